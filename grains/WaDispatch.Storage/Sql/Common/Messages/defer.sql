-- A message that may go later (or that must be taken again) waits as accepted until @retry_at.
UPDATE messages
SET status = 'accepted', status_rank = 0, retry_at = @retry_at, updated_at = @at,
    error = COALESCE(@error, error), error_code = COALESCE(@error_code, error_code)
WHERE id = @id AND status_rank <= 1;
