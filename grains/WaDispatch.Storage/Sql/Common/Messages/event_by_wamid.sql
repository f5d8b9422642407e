-- A status in the history of the message Meta calls @wamid, once per status (the first time stays). Changes one row
-- whenever that message exists, even for a status already there: the count tells whether the message is known.
INSERT INTO message_events (message_id, status, at, error_code)
SELECT id, @status, @at, @error_code FROM messages WHERE wamid = @wamid
ON CONFLICT (message_id, status) DO UPDATE SET at = message_events.at;
