UPDATE messages SET wamid = @wamid WHERE id = @id AND wamid IS NULL;
