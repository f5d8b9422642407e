INSERT INTO messaging_budget (business_id, phone_number_id, wa_id, counted_at)
VALUES (@business_id, @phone_number_id, @wa_id, @counted_at)
ON CONFLICT (business_id, phone_number_id, wa_id) DO UPDATE SET counted_at = excluded.counted_at
WHERE excluded.counted_at > messaging_budget.counted_at;
