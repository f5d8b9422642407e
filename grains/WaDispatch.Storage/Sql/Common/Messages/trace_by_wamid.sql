-- The trace a status webhook joins: the traceparent kept with the message Meta calls @wamid ('' when it has none; no
-- row when there is no such message).
SELECT COALESCE(trace_parent, '') FROM messages WHERE wamid = @wamid;
