-- A status Meta reported for a message WaDispatch knows by its own id (carried in biz_opaque_callback_data): records
-- the wamid and moves the message forward — from accepted or sending (Meta's answer was not recorded yet) or from an
-- unknown outcome (the process died with the send upstream); or, once an earlier status recorded this wamid, forward
-- only, as for any status. A failure Meta reports carries its own error; any other status clears the unknown outcome's.
UPDATE messages
SET wamid = @wamid, status = @status, status_rank = @rank, updated_at = @at, retry_at = NULL,
    error = COALESCE(@error, CASE WHEN status = 'failed' THEN NULL ELSE error END),
    error_code = COALESCE(@error_code, CASE WHEN status = 'failed' THEN NULL ELSE error_code END)
WHERE id = @id
  AND (wamid IS NULL AND (status_rank <= 1 OR status = 'failed' AND error_code = @outcome_unknown)
       OR wamid = @wamid AND status_rank < @rank AND status_rank <= @from_max);
