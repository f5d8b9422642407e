UPDATE callback_outbox SET attempts = @attempts, next_at = @next_at WHERE id = @id;
