-- adds-column: callback_outbox.error
-- A callback's error as it was when its status changed (the message's error may change before the callback goes out:
-- a deferral's callback still retrying when the message fails with another error). Callbacks queued before this
-- migration take the message's error, as they were read until now.
ALTER TABLE callback_outbox ADD COLUMN error TEXT NULL;
UPDATE callback_outbox SET error = (SELECT m.error FROM messages m WHERE m.id = callback_outbox.message_id) WHERE error_code IS NOT NULL;
