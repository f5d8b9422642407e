-- A status Meta reported for a message WaDispatch knows by its own id (carried in biz_opaque_callback_data) but not
-- yet by Meta's: records the wamid and moves the message forward, from accepted or sending (Meta's answer was not
-- recorded yet) or from an unknown outcome (the process died with the send upstream).
UPDATE messages
SET wamid = @wamid, status = @status, status_rank = @rank, updated_at = @at, retry_at = NULL,
    error = CASE WHEN status = 'failed' THEN NULL ELSE error END,
    error_code = CASE WHEN status = 'failed' THEN NULL ELSE error_code END
WHERE id = @id AND wamid IS NULL AND (status_rank < @rank AND status_rank <= 1 OR status = 'failed' AND error_code = @outcome_unknown);
