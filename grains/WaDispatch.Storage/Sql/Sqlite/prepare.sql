-- Runs outside the migration transaction: journal_mode cannot change inside one.
-- WAL lets readers proceed while a writer commits; it is a property of the database file.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS schema_migrations (
    id         INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL
);
