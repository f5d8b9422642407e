-- A campaign's audience, one row per recipient in upload order; a recipient appears once per campaign.
-- params is the row's per-recipient values (JSON object), substituted into the template's parameters.
CREATE TABLE IF NOT EXISTS campaign_audience (
    campaign_id TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    wa_id       TEXT    NOT NULL,
    params      TEXT    NULL,
    PRIMARY KEY (campaign_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS campaign_audience_recipient ON campaign_audience (campaign_id, wa_id);


-- Status callbacks to deliver: one row per status change of a message that has a callback URL, written in
-- the same transaction as the change; deleted once delivered, or when expires_at passes.
CREATE TABLE IF NOT EXISTS callback_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    error_code INTEGER NULL,
    attempts   INTEGER NOT NULL,
    next_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS callback_outbox_due ON callback_outbox (next_at);
