CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    payload     jsonb       NULL,
    version     bigint      NOT NULL,
    modified_at timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);
