SELECT field, occurred_at, received_at, value FROM account_events WHERE waba_id = @waba_id ORDER BY id DESC LIMIT @limit;
