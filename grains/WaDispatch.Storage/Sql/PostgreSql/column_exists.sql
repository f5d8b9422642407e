-- Whether @table has a column named @column (migrations that add one are skipped where it is there).
SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table AND column_name = @column;
