SELECT id FROM schema_migrations;
