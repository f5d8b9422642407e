-- A cluster of silos needs one database they all reach: Orleans' membership and reminder tables exist on PostgreSQL
-- only (Orleans:Clustering=AdoNet). A silo on SQLite runs alone, with localhost clustering and reminders in memory;
-- this migration keeps the two vendors' migration numbers in step.
SELECT 1;
