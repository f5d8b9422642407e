-- A campaign's messages on their way (accepted or sending), and those of them waiting for a retry time still to come.
SELECT count(*), COALESCE(SUM(CASE WHEN retry_at IS NOT NULL AND retry_at > @now THEN 1 ELSE 0 END), 0)
FROM messages WHERE campaign_id = @campaign_id AND status IN ('accepted', 'sending');
