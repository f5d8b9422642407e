-- A message that may go later (or that must be taken again) waits as accepted until @retry_at, in its class
-- (@priority) when the caller knows it.
UPDATE messages
SET status = 'accepted', status_rank = 0, retry_at = @retry_at, updated_at = @at, priority = COALESCE(@priority, priority),
    error = COALESCE(@error, error), error_code = COALESCE(@error_code, error_code)
WHERE id = @id AND status_rank <= 1;
