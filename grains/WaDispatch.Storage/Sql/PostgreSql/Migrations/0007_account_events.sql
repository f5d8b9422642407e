-- The ledger of account events: every account webhook change (account_update, account_review_update,
-- phone_number_name_update, business_capability_update) for a WABA, once each however often Meta delivers it.
CREATE TABLE IF NOT EXISTS account_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    waba_id     text   NOT NULL,
    field       text   NOT NULL,
    occurred_at bigint NOT NULL,
    received_at bigint NOT NULL,
    digest      text   NOT NULL,
    value       text   NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS account_events_once ON account_events (waba_id, field, occurred_at, digest);
CREATE INDEX IF NOT EXISTS account_events_by_waba ON account_events (waba_id, id);
