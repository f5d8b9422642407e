-- The message ledger: one row per accepted message, its current status and how it got there.
-- Times are Unix milliseconds. status_rank orders statuses so that updates only move forward:
-- 0 accepted, 1 sending, 2 sent, 3 delivered, 4 read, 5 failed / expired / skipped. error_code and
-- reason (why a message was skipped) are kept apart from the error's JSON for a campaign's counts.
CREATE TABLE IF NOT EXISTS messages (
    id              TEXT    NOT NULL PRIMARY KEY,
    idempotency_key TEXT    NULL,
    phone_number_id TEXT    NOT NULL,
    wa_id           TEXT    NOT NULL,
    campaign_id     TEXT    NULL,
    mode            TEXT    NOT NULL,
    request         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    status_rank     INTEGER NOT NULL,
    wamid           TEXT    NULL,
    error           TEXT    NULL,
    error_code      INTEGER NULL,
    reason          TEXT    NULL,
    callback_url    TEXT    NULL,
    retry_at        INTEGER NULL,
    accepted_at     INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_idempotency_key ON messages (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_wamid ON messages (wamid) WHERE wamid IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_open ON messages (id) WHERE status_rank < 2;
CREATE INDEX IF NOT EXISTS messages_campaign ON messages (campaign_id, status) WHERE campaign_id IS NOT NULL;

-- Every status a message reached, once each, with its time: the history GET /v1/messages/{id} shows.
CREATE TABLE IF NOT EXISTS message_events (
    message_id TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    error_code INTEGER NULL,
    PRIMARY KEY (message_id, status)
) WITHOUT ROWID;

-- Webhook deliveries stored before Meta is answered; a row is deleted once processed.
CREATE TABLE IF NOT EXISTS webhook_inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    body        BLOB    NOT NULL
);
