INSERT INTO campaign_audience (campaign_id, seq, wa_id, params)
VALUES (@campaign_id, @seq, @wa_id, @params)
ON CONFLICT DO NOTHING;
