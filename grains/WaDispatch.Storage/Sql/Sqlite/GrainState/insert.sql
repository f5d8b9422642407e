INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at)
VALUES (@grain_type, @grain_key, @state_name, @payload, 1, @modified_at)
ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
RETURNING version;
