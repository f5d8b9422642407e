-- Moves a message forward only: from a rank at most @from_max to the higher @rank. A message that ends
-- without reaching Meta may give its idempotency key back (@release_key = 1), so that a retry can send it.
UPDATE messages
SET status = @status, status_rank = @rank, updated_at = @at,
    error = COALESCE(@error, error), error_code = COALESCE(@error_code, error_code), reason = COALESCE(@reason, reason), retry_at = NULL,
    idempotency_key = CASE WHEN @release_key = 1 THEN NULL ELSE idempotency_key END
WHERE id = @id AND status_rank < @rank AND status_rank <= @from_max;
