-- adds-column: messages.trace_parent
-- The W3C traceparent of a message's trace, so that its send and status webhooks join it after a restart too.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS trace_parent text NULL;
