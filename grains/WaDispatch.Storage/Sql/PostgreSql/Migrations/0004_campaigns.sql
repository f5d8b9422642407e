-- A campaign's audience, one row per recipient in upload order; a recipient appears once per campaign.
-- params is the row's per-recipient values (JSON object), substituted into the template's parameters.
CREATE TABLE IF NOT EXISTS campaign_audience (
    campaign_id text    NOT NULL,
    seq         integer NOT NULL,
    wa_id       text    NOT NULL,
    params      text    NULL,
    PRIMARY KEY (campaign_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS campaign_audience_recipient ON campaign_audience (campaign_id, wa_id);

