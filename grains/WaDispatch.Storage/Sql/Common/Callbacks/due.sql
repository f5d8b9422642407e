SELECT o.id, o.message_id, o.status, o.at, o.error_code, o.attempts, o.expires_at,
       m.callback_url, m.wamid, m.campaign_id, m.phone_number_id, m.wa_id, o.error
FROM callback_outbox o JOIN messages m ON m.id = o.message_id
WHERE o.next_at <= @now
ORDER BY o.next_at, o.id LIMIT @limit;
