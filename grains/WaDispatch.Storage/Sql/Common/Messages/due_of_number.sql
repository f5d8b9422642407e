-- A number's messages waiting for a retry time that has come, most urgent class first and in acceptance order within
-- it, a page at a time after (@after_priority, @after_id).
SELECT id, idempotency_key, phone_number_id, wa_id, campaign_id, mode, request, status, wamid, error, retry_at, accepted_at, expires_at, updated_at, callback_url, trace_parent, priority
FROM messages WHERE phone_number_id = @phone_number_id AND status_rank < 2 AND retry_at IS NOT NULL AND retry_at <= @now
  AND (priority, id) > (@after_priority, @after_id)
ORDER BY priority, id LIMIT @limit;
