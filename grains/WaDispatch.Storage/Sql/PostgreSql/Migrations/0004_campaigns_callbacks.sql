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


-- Status callbacks to deliver: one row per status change of a message that has a callback URL, written in
-- the same transaction as the change; deleted once delivered, or when expires_at passes.
CREATE TABLE IF NOT EXISTS callback_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id text    NOT NULL,
    status     text    NOT NULL,
    at         bigint  NOT NULL,
    error_code integer NULL,
    attempts   integer NOT NULL,
    next_at    bigint  NOT NULL,
    expires_at bigint  NOT NULL
);
CREATE INDEX IF NOT EXISTS callback_outbox_due ON callback_outbox (next_at);
