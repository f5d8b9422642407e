INSERT INTO message_events (message_id, status, at, error_code)
SELECT id, @status, @at, @error_code FROM messages WHERE wamid = @wamid
ON CONFLICT DO NOTHING;
