-- The trace a status webhook joins: the traceparent kept with the message Meta calls @wamid.
SELECT trace_parent FROM messages WHERE wamid = @wamid;
