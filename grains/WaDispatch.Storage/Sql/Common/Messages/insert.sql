-- @retry_at is null for a message dispatched at once, and its acceptance time for one parked in the ledger until its lane has room.
INSERT INTO messages (id, idempotency_key, phone_number_id, wa_id, campaign_id, mode, request, status, status_rank, retry_at, accepted_at, expires_at, updated_at, callback_url, trace_parent, priority)
VALUES (@id, @idempotency_key, @phone_number_id, @wa_id, @campaign_id, @mode, @request, 'accepted', 0, @retry_at, @accepted_at, @expires_at, @accepted_at, @callback_url, @trace_parent, @priority)
ON CONFLICT DO NOTHING;
