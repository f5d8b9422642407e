INSERT INTO messages (id, idempotency_key, phone_number_id, wa_id, campaign_id, mode, request, status, status_rank, accepted_at, expires_at, updated_at, callback_url, trace_parent)
VALUES (@id, @idempotency_key, @phone_number_id, @wa_id, @campaign_id, @mode, @request, 'accepted', 0, @accepted_at, @expires_at, @accepted_at, @callback_url, @trace_parent)
ON CONFLICT DO NOTHING;
