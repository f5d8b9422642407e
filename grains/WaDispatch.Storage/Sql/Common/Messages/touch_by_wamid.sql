-- Changes nothing, but counts one row when a message has this wamid: whether it is known at this point of a group.
UPDATE messages SET wamid = wamid WHERE wamid = @wamid;
