-- Silos starting together migrate one at a time; the lock ends with the transaction.
SELECT pg_advisory_xact_lock(7300000001);
