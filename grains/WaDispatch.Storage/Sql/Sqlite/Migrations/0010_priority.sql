-- adds-column: messages.priority
-- A message's class in its lane's order (0 replies and authentication, 1 utility, 2 marketing): its lane reads its
-- parked and deferred messages most urgent first. Rows from before were read in acceptance order alone, as marketing.
ALTER TABLE messages ADD COLUMN priority INTEGER NOT NULL DEFAULT 2;
