-- Whether @table has a column named @column (migrations that add one are skipped where it is there).
SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column;
