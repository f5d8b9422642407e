SELECT 1 FROM messages WHERE id = @id;
