DELETE FROM webhook_inbox WHERE id = @id;
