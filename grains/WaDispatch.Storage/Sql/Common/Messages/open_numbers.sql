-- Every number with a message not yet sent: their lanes take them up at start-up.
SELECT DISTINCT phone_number_id FROM messages WHERE status_rank < 2;
