-- A number's messages not yet sent (accepted or sending), a page at a time after @after_id.
SELECT id, idempotency_key, phone_number_id, wa_id, campaign_id, mode, request, status, wamid, error, retry_at, accepted_at, expires_at, updated_at, callback_url, trace_parent, priority
FROM messages WHERE phone_number_id = @phone_number_id AND status_rank < 2 AND id > @after_id
ORDER BY id LIMIT @limit;
