DELETE FROM messaging_budget
WHERE business_id = @business_id AND counted_at <= @before;
