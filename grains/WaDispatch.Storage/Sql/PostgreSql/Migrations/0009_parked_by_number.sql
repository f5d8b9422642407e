-- A number's parked and deferred messages (accepted, with a retry time) in acceptance order: a lane reads the next
-- window of its backlog from here as it drains, without sorting the whole backlog for each page.
CREATE INDEX IF NOT EXISTS messages_parked_by_number ON messages (phone_number_id, id) WHERE status_rank < 2 AND retry_at IS NOT NULL;
