-- The message ledger: one row per accepted message, its current status and how it got there.
-- Times are Unix milliseconds. status_rank orders statuses so that updates only move forward:
-- 0 accepted, 1 sending, 2 sent, 3 delivered, 4 read, 5 failed / expired / skipped. error_code and
-- reason (why a message was skipped) are kept apart from the error's JSON for a campaign's counts.
CREATE TABLE IF NOT EXISTS messages (
    id              text     NOT NULL PRIMARY KEY,
    idempotency_key text     NULL,
    phone_number_id text     NOT NULL,
    wa_id           text     NOT NULL,
    campaign_id     text     NULL,
    mode            text     NOT NULL,
    request         text     NOT NULL,
    status          text     NOT NULL,
    status_rank     smallint NOT NULL,
    wamid           text     NULL,
    error           text     NULL,
    error_code      integer  NULL,
    reason          text     NULL,
    callback_url    text     NULL,
    retry_at        bigint   NULL,
    accepted_at     bigint   NOT NULL,
    expires_at      bigint   NOT NULL,
    updated_at      bigint   NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_idempotency_key ON messages (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_wamid ON messages (wamid) WHERE wamid IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_open ON messages (id) WHERE status_rank < 2;
CREATE INDEX IF NOT EXISTS messages_campaign ON messages (campaign_id, status) WHERE campaign_id IS NOT NULL;

-- Every status a message reached, once each, with its time: the history GET /v1/messages/{id} shows.
CREATE TABLE IF NOT EXISTS message_events (
    message_id text    NOT NULL,
    status     text    NOT NULL,
    at         bigint  NOT NULL,
    error_code integer NULL,
    PRIMARY KEY (message_id, status)
);

-- Webhook deliveries stored before Meta is answered; a row is deleted once processed.
CREATE TABLE IF NOT EXISTS webhook_inbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at bigint NOT NULL,
    body        bytea  NOT NULL
);
