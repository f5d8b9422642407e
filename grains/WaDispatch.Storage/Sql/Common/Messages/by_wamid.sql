SELECT id, campaign_id FROM messages WHERE wamid = @wamid;
