SELECT id, idempotency_key, phone_number_id, wa_id, campaign_id, mode, request, status, wamid, error, retry_at, accepted_at, expires_at, updated_at, callback_url, trace_parent, priority
FROM messages WHERE idempotency_key = @idempotency_key;
