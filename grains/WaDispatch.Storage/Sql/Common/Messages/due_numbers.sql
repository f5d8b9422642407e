-- Every number with a message whose retry time has come: their lanes are woken to take them up.
SELECT DISTINCT phone_number_id FROM messages WHERE status_rank < 2 AND retry_at IS NOT NULL AND retry_at <= @now;
