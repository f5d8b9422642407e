SELECT seq, wa_id, params FROM campaign_audience
WHERE campaign_id = @campaign_id AND seq > @after_seq
ORDER BY seq LIMIT @limit;
