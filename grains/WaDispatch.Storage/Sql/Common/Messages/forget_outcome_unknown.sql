-- A reconciled message's "failed, outcome unknown" was not its end: its history keeps what Meta reported instead.
DELETE FROM message_events WHERE message_id = @id AND status = 'failed';
