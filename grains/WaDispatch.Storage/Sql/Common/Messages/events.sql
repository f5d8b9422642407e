SELECT status, at, error_code FROM message_events WHERE message_id = @id ORDER BY at, status;
