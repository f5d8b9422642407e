CREATE TABLE IF NOT EXISTS schema_migrations (
    id         integer     NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL
);
