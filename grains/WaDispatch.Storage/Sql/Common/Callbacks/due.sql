-- Callbacks due, with their message's URL and ids. A change's error is kept with it (0012); one queued by a silo from
-- before 0012 while a cluster is upgraded has none kept and takes its message's error, as before.
SELECT o.id, o.message_id, o.status, o.at, o.error_code, o.attempts, o.expires_at,
       m.callback_url, m.wamid, m.campaign_id, m.phone_number_id, m.wa_id,
       COALESCE(o.error, CASE WHEN o.error_code IS NOT NULL THEN m.error END)
FROM callback_outbox o JOIN messages m ON m.id = o.message_id
WHERE o.next_at <= @now
ORDER BY o.next_at, o.id LIMIT @limit;
