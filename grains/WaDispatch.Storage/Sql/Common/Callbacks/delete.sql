DELETE FROM callback_outbox WHERE id = @id;
