-- A number's parked and deferred messages (accepted, with a retry time) most urgent class first, in acceptance order
-- within it: a lane reads the next window of its backlog from here as it drains, so a one-time password accepted
-- behind a marketing backlog is read before it. Replaces 0009's index, which had acceptance order alone.
CREATE INDEX IF NOT EXISTS messages_parked_by_priority ON messages (phone_number_id, priority, id) WHERE status_rank < 2 AND retry_at IS NOT NULL;
DROP INDEX IF EXISTS messages_parked_by_number;
