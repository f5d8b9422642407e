-- One row per recipient counted against a messaging limit: the last time the recipient used budget.
-- counted_at is Unix milliseconds; rows older than 24 h are pruned.
CREATE TABLE IF NOT EXISTS messaging_budget (
    business_id     TEXT    NOT NULL,
    phone_number_id TEXT    NOT NULL,
    wa_id           TEXT    NOT NULL,
    counted_at      INTEGER NOT NULL,
    PRIMARY KEY (business_id, phone_number_id, wa_id)
) WITHOUT ROWID;
