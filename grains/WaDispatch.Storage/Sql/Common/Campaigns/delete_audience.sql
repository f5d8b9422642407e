DELETE FROM campaign_audience WHERE campaign_id = @campaign_id;
