-- A status change to tell the message's callback URL about, if it has one.
INSERT INTO callback_outbox (message_id, status, at, error_code, attempts, next_at, expires_at)
SELECT id, @status, @at, @error_code, 0, @now, @expires_at FROM messages WHERE id = @id AND callback_url IS NOT NULL;
