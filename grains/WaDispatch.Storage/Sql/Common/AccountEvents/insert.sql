INSERT INTO account_events (waba_id, field, occurred_at, received_at, digest, value)
VALUES (@waba_id, @field, @occurred_at, @received_at, @digest, @value)
ON CONFLICT (waba_id, field, occurred_at, digest) DO NOTHING;
