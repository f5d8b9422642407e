UPDATE grain_state
SET payload = @payload::jsonb, version = version + 1, modified_at = @modified_at
WHERE grain_type = @grain_type AND grain_key = @grain_key AND state_name = @state_name AND version = @version
RETURNING version;
