SELECT phone_number_id, wa_id, counted_at
FROM messaging_budget
WHERE business_id = @business_id AND counted_at > @since
ORDER BY counted_at;
