INSERT INTO webhook_inbox (received_at, body) VALUES (@received_at, @body) RETURNING id;
