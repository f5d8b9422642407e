using System.Data.Common;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Storage;

/// <summary>
/// Grain state in the <c>grain_state</c> table: one row per (grain type, key, state name) with a JSON
/// payload and a version that every write and clear checks and increments.
/// </summary>
public sealed class AdoNetGrainStorage : IGrainStorage
{
    private readonly StorageDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly string _readSql;
    private readonly string _versionSql;
    private readonly string _insertSql;
    private readonly string _updateSql;
    private readonly string _clearSql;

    /// <summary>Creates the storage over <paramref name="database"/>.</summary>
    public AdoNetGrainStorage(StorageDatabase database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
        var scripts = database.Scripts;
        _readSql = scripts.Get("GrainState/read.sql");
        _versionSql = scripts.Get("GrainState/version.sql");
        _insertSql = scripts.Get("GrainState/insert.sql");
        _updateSql = scripts.Get("GrainState/update.sql");
        _clearSql = scripts.Get("GrainState/clear.sql");
    }

    /// <inheritdoc />
    public async Task<StoredGrainState> ReadAsync(GrainStateId id, CancellationToken cancellationToken)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var command = WithId(connection.CreateCommand(_readSql), id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new StoredGrainState(null, null);
        }

        var payload = reader.IsDBNull(0) ? null : reader.GetString(0);
        return new StoredGrainState(payload, reader.GetInt64(1));
    }

    /// <inheritdoc />
    public async Task<long> WriteAsync(GrainStateId id, string payload, long? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = WithId(connection.CreateCommand(expectedVersion is null ? _insertSql : _updateSql), id)
            .With("payload", payload)
            .With("modified_at", _timeProvider.GetUtcNow());
        if (expectedVersion is { } version)
        {
            command.With("version", version);
        }

        return await NewVersionOrConflictAsync(connection, command, id, expectedVersion, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long?> ClearAsync(GrainStateId id, long? expectedVersion, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        if (expectedVersion is not { } version)
        {
            // Nothing was ever read: clearing is a no-op unless someone wrote in the meantime.
            var stored = await ReadVersionAsync(connection, id, cancellationToken).ConfigureAwait(false);
            return stored is null ? null : throw new InconsistentStateException(id, null, stored);
        }

        await using var command = WithId(connection.CreateCommand(_clearSql), id)
            .With("modified_at", _timeProvider.GetUtcNow())
            .With("version", version);
        return await NewVersionOrConflictAsync(connection, command, id, expectedVersion, cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand WithId(DbCommand command, GrainStateId id) => command
        .With("grain_type", id.GrainType)
        .With("grain_key", id.GrainKey)
        .With("state_name", id.StateName);

    /// <summary>Runs a version-checked write or clear: the version it returns, or the conflict with the stored version.</summary>
    private async Task<long> NewVersionOrConflictAsync(DbConnection connection, DbCommand command, GrainStateId id, long? expectedVersion, CancellationToken cancellationToken) =>
        await ScalarVersionAsync(command, cancellationToken).ConfigureAwait(false)
            ?? throw new InconsistentStateException(id, expectedVersion, await ReadVersionAsync(connection, id, cancellationToken).ConfigureAwait(false));

    private async Task<long?> ReadVersionAsync(DbConnection connection, GrainStateId id, CancellationToken cancellationToken)
    {
        await using var command = WithId(connection.CreateCommand(_versionSql), id);
        return await ScalarVersionAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long?> ScalarVersionAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return version is null or DBNull ? null : Convert.ToInt64(version, System.Globalization.CultureInfo.InvariantCulture);
    }
}
