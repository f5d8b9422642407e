INSERT INTO schema_migrations (id, name, applied_at)
VALUES (@id, @name, @applied_at)
ON CONFLICT (id) DO NOTHING;
