-- Messages not yet sent (accepted or sending) with ids between @after_id and @before_id, a page at a time.
SELECT id, idempotency_key, phone_number_id, wa_id, campaign_id, mode, request, status, wamid, error, retry_at, accepted_at, expires_at, updated_at, callback_url
FROM messages WHERE status_rank < 2 AND id > @after_id AND id < @before_id
ORDER BY id LIMIT @limit;
