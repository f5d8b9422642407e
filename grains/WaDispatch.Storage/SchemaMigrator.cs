namespace WaDispatch.Storage;

/// <summary>
/// Brings the schema up to date: applies, in order and in one transaction, every migration script not
/// yet recorded in <c>schema_migrations</c>. Running it again, or from several silos at once, is safe.
/// </summary>
public sealed class SchemaMigrator
{
    private readonly StorageDatabase _database;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a migrator for <paramref name="database"/>.</summary>
    public SchemaMigrator(StorageDatabase database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
    }

    /// <summary>The migrations not yet applied; opening the connection proves the database reachable.</summary>
    public async Task<IReadOnlyList<Migration>> PendingAsync(CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var read = connection.CreateCommand(_database.Scripts.Get("applied_migrations.sql"));
        var applied = new HashSet<int>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return [.. _database.Scripts.Migrations.Where(m => !applied.Contains(m.Id))];
    }

    /// <summary>Applies pending migrations.</summary>
    /// <returns>The migrations applied by this call.</returns>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scripts = _database.Scripts;
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        var lockSql = scripts.Find("lock_migrations.sql");
        if (lockSql is null)
        {
            // SQLite: one process per file, and its preparation (the journal mode) cannot run inside a transaction.
            await using var prepare = connection.CreateCommand(scripts.Get("prepare.sql"));
            await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (lockSql is not null)
        {
            await using (var lockCommand = connection.CreateCommand(lockSql, transaction))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Under the lock: silos starting together on a new PostgreSQL database would otherwise race to create the
            // table of applied migrations (CREATE TABLE IF NOT EXISTS is not safe against itself there: 23505 on pg_type).
            await using var prepare = connection.CreateCommand(scripts.Get("prepare.sql"), transaction);
            await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var applied = new HashSet<int>();
        await using (var read = connection.CreateCommand(scripts.Get("applied_migrations.sql"), transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var done = new List<Migration>();
        foreach (var migration in scripts.Migrations.Where(m => !applied.Contains(m.Id)))
        {
            if (migration.AddsColumn is not { } column || !await ColumnExistsAsync(connection, transaction, column.Table, column.Column, cancellationToken).ConfigureAwait(false))
            {
                await using var apply = connection.CreateCommand(migration.Sql, transaction);
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = connection.CreateCommand(scripts.Get("record_migration.sql"), transaction)
                .With("id", migration.Id)
                .With("name", migration.Name)
                .With("applied_at", _timeProvider.GetUtcNow()))
            {
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            done.Add(migration);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return done;
    }

    private async Task<bool> ColumnExistsAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string table, string column, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand(_database.Scripts.Get("column_exists.sql"), transaction).With("table", table).With("column", column);
        return Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
