SELECT id, received_at, body FROM webhook_inbox WHERE id > @after_id ORDER BY id LIMIT @limit;
