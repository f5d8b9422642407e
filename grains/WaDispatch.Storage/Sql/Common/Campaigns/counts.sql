-- A campaign's messages by status, error code, skip reason and whether they wait for a retry time.
SELECT status, COALESCE(error_code, 0), COALESCE(reason, ''), CASE WHEN retry_at IS NULL THEN 0 ELSE 1 END, count(*)
FROM messages WHERE campaign_id = @campaign_id
GROUP BY 1, 2, 3, 4;
