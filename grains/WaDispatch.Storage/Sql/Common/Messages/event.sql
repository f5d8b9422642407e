INSERT INTO message_events (message_id, status, at, error_code)
VALUES (@id, @status, @at, @error_code)
ON CONFLICT DO NOTHING;
