-- A status change reported by Meta to tell the message's callback URL about, if it has one, with the change's own error.
INSERT INTO callback_outbox (message_id, status, at, error_code, error, attempts, next_at, expires_at)
SELECT id, @status, @at, @error_code, @error, 0, @now, @expires_at FROM messages WHERE wamid = @wamid AND callback_url IS NOT NULL;
