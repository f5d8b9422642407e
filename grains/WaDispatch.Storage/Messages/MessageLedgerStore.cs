using System.Data.Common;

namespace WaDispatch.Storage.Messages;

/// <summary>
/// The <c>messages</c> and <c>message_events</c> tables: every accepted message, its current status, and
/// the history of statuses it reached. Statuses only move forward; the SQL enforces it, so replays,
/// duplicates and late webhooks are no-ops whoever writes them.
/// </summary>
public sealed class MessageLedgerStore
{
    private readonly StorageDatabase _database;
    private readonly SqlScripts _sql;

    /// <summary>Creates the store over <paramref name="database"/>.</summary>
    public MessageLedgerStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _sql = database.Scripts;
    }

    /// <summary>Applies <paramref name="writes"/> in one transaction, in order; returns what each did.</summary>
    public async Task<LedgerWriteOutcome[]> WriteAsync(IReadOnlyList<LedgerWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var outcomes = new LedgerWriteOutcome[writes.Count];
        if (writes.Count == 0)
        {
            return outcomes;
        }

        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var statements = new Statements(connection, transaction, _sql);
        for (var i = 0; i < writes.Count; i++)
        {
            outcomes[i] = writes[i] switch
            {
                AcceptWrite accept => await AcceptAsync(statements, accept.Message, cancellationToken).ConfigureAwait(false),
                AdvanceWrite { MessageId: { } id } advance => await AdvanceAsync(statements, id, advance, cancellationToken).ConfigureAwait(false),
                AdvanceWrite { Wamid: { } wamid } advance => await AdvanceByWamidAsync(statements, wamid, advance, cancellationToken).ConfigureAwait(false),
                DeferWrite defer => await DeferAsync(statements, defer, cancellationToken).ConfigureAwait(false),
                var other => throw new ArgumentException($"Cannot write {other}: an advance needs a message id or a wamid.", nameof(writes)),
            };
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>The message with id <paramref name="id"/>, or null.</summary>
    public Task<LedgerMessage?> ReadAsync(string id, CancellationToken cancellationToken = default) =>
        ReadOneAsync("Messages/read.sql", "id", id, cancellationToken);

    /// <summary>The message accepted under <paramref name="idempotencyKey"/>, or null.</summary>
    public Task<LedgerMessage?> ReadByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        ReadOneAsync("Messages/read_by_key.sql", "idempotency_key", idempotencyKey, cancellationToken);

    /// <summary>The id and campaign of the message Meta calls <paramref name="wamid"/>, or null.</summary>
    public async Task<(string Id, string? CampaignId)?> ReadByWamidAsync(string wamid, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_sql.Get("Messages/by_wamid.sql")).With("wamid", wamid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    /// <summary>The statuses message <paramref name="id"/> reached, in time order.</summary>
    public async Task<List<LedgerEvent>> ReadEventsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_sql.Get("Messages/events.sql")).With("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<LedgerEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new LedgerEvent(reader.GetString(0), Time(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetInt32(2)));
        }

        return events;
    }

    /// <summary>Up to <paramref name="limit"/> messages not yet sent (accepted or sending) with ids after <paramref name="afterId"/> and before <paramref name="beforeId"/>, by id.</summary>
    public async Task<List<LedgerMessage>> ReadOpenAsync(string afterId, string beforeId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_sql.Get("Messages/open.sql"))
            .With("after_id", afterId)
            .With("before_id", beforeId)
            .With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var messages = new List<LedgerMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(Read(reader));
        }

        return messages;
    }

    private async Task<LedgerMessage?> ReadOneAsync(string script, string parameter, string value, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_sql.Get(script)).With(parameter, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static async Task<LedgerWriteOutcome> AcceptAsync(Statements statements, LedgerMessage message, CancellationToken cancellationToken)
    {
        var inserted = await statements.Run(
            "Messages/insert.sql",
            cancellationToken,
            ("id", message.Id),
            ("idempotency_key", message.IdempotencyKey),
            ("phone_number_id", message.PhoneNumberId),
            ("wa_id", message.WaId),
            ("campaign_id", message.CampaignId),
            ("mode", message.Mode),
            ("request", message.Request),
            ("accepted_at", message.AcceptedAt.ToUnixTimeMilliseconds()),
            ("expires_at", message.ExpiresAt.ToUnixTimeMilliseconds()),
            ("callback_url", message.CallbackUrl)).ConfigureAwait(false);
        if (inserted == 0)
        {
            return LedgerWriteOutcome.Unchanged;
        }

        await Event(statements, message.Id, "accepted", message.AcceptedAt, null, cancellationToken).ConfigureAwait(false);
        return LedgerWriteOutcome.Applied;
    }

    private static async Task<LedgerWriteOutcome> AdvanceAsync(Statements statements, string id, AdvanceWrite advance, CancellationToken cancellationToken)
    {
        if (advance.Wamid is { } wamid)
        {
            await statements.Run("Messages/set_wamid.sql", cancellationToken, ("id", id), ("wamid", wamid)).ConfigureAwait(false);
        }

        var moved = await statements.Run(
            "Messages/advance.sql",
            cancellationToken,
            ("id", id),
            ("status", advance.Status),
            ("rank", advance.Rank),
            ("from_max", advance.FromMaxRank),
            ("at", advance.At.ToUnixTimeMilliseconds()),
            ("error", advance.Error),
            ("error_code", advance.ErrorCode),
            ("reason", advance.Reason),
            ("release_key", advance.ReleaseIdempotencyKey ? 1 : 0)).ConfigureAwait(false);
        var recorded = await Event(statements, id, advance.Status, advance.At, advance.ErrorCode, cancellationToken).ConfigureAwait(false);
        if (moved > 0 && advance.CallbackUntil is { } until)
        {
            await Callback(statements, "Callbacks/enqueue_by_id.sql", ("id", id), advance.Status, advance.At, advance.ErrorCode, until, cancellationToken).ConfigureAwait(false);
        }

        return moved > 0 ? LedgerWriteOutcome.Applied : recorded > 0 || await statements.ExistsAsync("id", id, cancellationToken).ConfigureAwait(false) ? LedgerWriteOutcome.Unchanged : LedgerWriteOutcome.NotFound;
    }

    private static async Task<LedgerWriteOutcome> AdvanceByWamidAsync(Statements statements, string wamid, AdvanceWrite advance, CancellationToken cancellationToken)
    {
        var moved = await statements.Run(
            "Messages/advance_by_wamid.sql",
            cancellationToken,
            ("wamid", wamid),
            ("status", advance.Status),
            ("rank", advance.Rank),
            ("from_max", advance.FromMaxRank),
            ("at", advance.At.ToUnixTimeMilliseconds()),
            ("error", advance.Error),
            ("error_code", advance.ErrorCode)).ConfigureAwait(false);
        var recorded = await statements.Run(
            "Messages/event_by_wamid.sql",
            cancellationToken,
            ("wamid", wamid),
            ("status", advance.Status),
            ("at", advance.At.ToUnixTimeMilliseconds()),
            ("error_code", advance.ErrorCode)).ConfigureAwait(false);
        if (moved > 0 && advance.CallbackUntil is { } until)
        {
            await Callback(statements, "Callbacks/enqueue_by_wamid.sql", ("wamid", wamid), advance.Status, advance.At, advance.ErrorCode, until, cancellationToken).ConfigureAwait(false);
        }

        return moved > 0 ? LedgerWriteOutcome.Applied : recorded > 0 || await statements.ExistsAsync("wamid", wamid, cancellationToken).ConfigureAwait(false) ? LedgerWriteOutcome.Unchanged : LedgerWriteOutcome.NotFound;
    }

    private static async Task<LedgerWriteOutcome> DeferAsync(Statements statements, DeferWrite defer, CancellationToken cancellationToken)
    {
        var moved = await statements.Run(
            "Messages/defer.sql",
            cancellationToken,
            ("id", defer.MessageId),
            ("retry_at", defer.RetryAt.ToUnixTimeMilliseconds()),
            ("at", defer.At.ToUnixTimeMilliseconds()),
            ("error", defer.Error),
            ("error_code", defer.ErrorCode)).ConfigureAwait(false);
        if (moved == 0)
        {
            return await statements.ExistsAsync("id", defer.MessageId, cancellationToken).ConfigureAwait(false) ? LedgerWriteOutcome.Unchanged : LedgerWriteOutcome.NotFound;
        }

        await Event(statements, defer.MessageId, defer.Reason, defer.At, defer.ErrorCode, cancellationToken).ConfigureAwait(false);
        if (defer.CallbackUntil is { } until)
        {
            await Callback(statements, "Callbacks/enqueue_by_id.sql", ("id", defer.MessageId), defer.Reason, defer.At, defer.ErrorCode, until, cancellationToken).ConfigureAwait(false);
        }

        return LedgerWriteOutcome.Applied;
    }

    private static Task<int> Callback(Statements statements, string script, (string Name, object? Value) message, string status, DateTimeOffset at, int? errorCode, DateTimeOffset until, CancellationToken cancellationToken) =>
        statements.Run(script, cancellationToken, message, ("status", status), ("at", at.ToUnixTimeMilliseconds()), ("error_code", errorCode), ("now", at.ToUnixTimeMilliseconds()), ("expires_at", until.ToUnixTimeMilliseconds()));

    private static Task<int> Event(Statements statements, string id, string status, DateTimeOffset at, int? errorCode, CancellationToken cancellationToken) =>
        statements.Run("Messages/event.sql", cancellationToken, ("id", id), ("status", status), ("at", at.ToUnixTimeMilliseconds()), ("error_code", errorCode));

    private static LedgerMessage Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : Time(reader.GetInt64(10)),
        Time(reader.GetInt64(11)),
        Time(reader.GetInt64(12)),
        Time(reader.GetInt64(13)),
        reader.IsDBNull(14) ? null : reader.GetString(14));

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    /// <summary>The statements of one write group, each prepared once and reused with new values.</summary>
    private sealed class Statements(DbConnection connection, DbTransaction transaction, SqlScripts sql) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

        public async Task<int> Run(string script, CancellationToken cancellationToken, params (string Name, object? Value)[] values)
        {
            if (!_commands.TryGetValue(script, out var command))
            {
                command = connection.CreateCommand(sql.Get(script), transaction);
                foreach (var (name, _) in values)
                {
                    command.With(name, null);
                }

                _commands[script] = command;
            }

            foreach (var (name, value) in values)
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task<bool> ExistsAsync(string column, string value, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand($"SELECT 1 FROM messages WHERE {column} = @value", transaction).With("value", value);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
