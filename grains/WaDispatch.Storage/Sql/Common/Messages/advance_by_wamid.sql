-- A status webhook: forward only, found by Meta's message id.
UPDATE messages
SET status = @status, status_rank = @rank, updated_at = @at,
    error = COALESCE(@error, error), error_code = COALESCE(@error_code, error_code), retry_at = NULL
WHERE wamid = @wamid AND status_rank < @rank AND status_rank <= @from_max;
