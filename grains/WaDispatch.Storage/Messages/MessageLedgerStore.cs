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

    /// <summary>
    /// Applies <paramref name="writes"/> in one transaction, in order; returns what each did. The statements run in
    /// three rounds (see <see cref="StatementBatch"/>): the changes themselves, then what follows from each change that
    /// applied (its history entry, its callback), then, for a change that did not apply, whether its message exists.
    /// </summary>
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
        var batch = new StatementBatch(writer, transaction, _sql);

        // Round one: the changes. A status found by wamid also learns there whether its message is known at that point
        // of the group (a wamid is recorded by a write that may come later in the same group).
        var changes = new int[writes.Count];
        var known = new int[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            known[i] = -1;
            switch (writes[i])
            {
                case AcceptWrite accept:
                    changes[i] = Accept(batch, accept.Message);
                    break;
                case AdvanceWrite { MessageId: { } id } advance:
                    changes[i] = Advance(batch, id, advance);
                    break;
                case AdvanceWrite { Wamid: { } wamid } advance:
                    changes[i] = AdvanceByWamid(batch, wamid, advance);
                    known[i] = IsProgress(advance.Status)
                        ? batch.Add("Messages/event_by_wamid.sql", ("wamid", wamid), ("status", advance.Status), ("at", advance.At.ToUnixTimeMilliseconds()), ("error_code", advance.ErrorCode))
                        : batch.Add("Messages/touch_by_wamid.sql", ("wamid", wamid));
                    break;
                case DeferWrite defer:
                    changes[i] = Defer(batch, defer);
                    break;
                case ReconcileWrite reconcile:
                    changes[i] = Reconcile(batch, reconcile);
                    break;
                default:
                    throw new ArgumentException($"Cannot write {writes[i]}: an advance needs a message id or a wamid.", nameof(writes));
            }
        }

        var changed = await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);

        // Round two: what follows each change that applied.
        for (var i = 0; i < writes.Count; i++)
        {
            FollowUp(batch, writes[i], changed[changes[i]] > 0);
        }

        await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);

        // Round three, for changes that did not apply (replays, late or refused statuses): is the message there at all?
        var checks = new int[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            checks[i] = -1;
            if (changed[changes[i]] > 0)
            {
                outcomes[i] = LedgerWriteOutcome.Applied;
            }
            else if (known[i] >= 0)
            {
                outcomes[i] = changed[known[i]] > 0 ? LedgerWriteOutcome.Unchanged : LedgerWriteOutcome.NotFound;
            }
            else if (writes[i] is AcceptWrite)
            {
                outcomes[i] = LedgerWriteOutcome.Unchanged;
            }
            else
            {
                checks[i] = batch.Add("Messages/exists.sql", ("id", IdOf(writes[i])));
            }
        }

        var found = await batch.FindAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            if (checks[i] >= 0)
            {
                outcomes[i] = found[checks[i]] ? LedgerWriteOutcome.Unchanged : LedgerWriteOutcome.NotFound;
            }
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

    /// <summary>
    /// Whether a message Meta calls <paramref name="wamid"/> is in the ledger, and the <c>traceparent</c> kept with it
    /// (null when it has none).
    /// </summary>
    public async Task<(bool Found, string? TraceParent)> TraceParentByWamidAsync(string wamid, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(_sql.Get("Messages/trace_by_wamid.sql")).With("wamid", wamid);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string traceParent
            ? (true, traceParent.Length > 0 ? traceParent : null)
            : (false, null);
    }

    /// <summary>The id and campaign of the message Meta calls <paramref name="wamid"/>, or null.</summary>
    public async Task<(string Id, string? CampaignId)?> ReadByWamidAsync(string wamid, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand(_sql.Get("Messages/by_wamid.sql")).With("wamid", wamid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    /// <summary>The statuses message <paramref name="id"/> reached, in time order.</summary>
    public async Task<List<LedgerEvent>> ReadEventsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadEventsAsync(lease.Connection, null, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The message with id <paramref name="id"/> and the statuses it reached (in time order), both as of one moment, or
    /// null. Read apart, a write committed between the two reads could show history the message's row does not yet
    /// show (a deferral without its error), or a status its history lacks.
    /// </summary>
    public async Task<(LedgerMessage Message, List<LedgerEvent> History)?> ReadWithHistoryAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var snapshot = await lease.BeginSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (await ReadOneAsync(connection, snapshot, "Messages/read.sql", "id", id, cancellationToken).ConfigureAwait(false) is not { } message)
        {
            return null;
        }

        var history = await ReadEventsAsync(connection, snapshot, id, cancellationToken).ConfigureAwait(false);
        await snapshot.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (message, history);
    }

    /// <summary>Up to <paramref name="limit"/> messages of <paramref name="phoneNumberId"/> not yet sent (accepted or sending), with ids after <paramref name="afterId"/>, by id.</summary>
    public Task<List<LedgerMessage>> ReadOpenAsync(string phoneNumberId, string afterId, int limit, CancellationToken cancellationToken = default) =>
        ReadManyAsync("Messages/open_of_number.sql", cancellationToken, ("phone_number_id", phoneNumberId), ("after_id", afterId), ("limit", limit));

    /// <summary>
    /// Up to <paramref name="limit"/> messages of <paramref name="phoneNumberId"/> waiting for a retry time at or before
    /// <paramref name="now"/>, most urgent first (<see cref="LedgerMessage.Priority"/>) and by id within a priority, after
    /// <paramref name="after"/> (the last one of the page before; <see cref="LedgerMessage.FirstDue"/> for the first page).
    /// </summary>
    public Task<List<LedgerMessage>> ReadDueAsync(string phoneNumberId, DateTimeOffset now, (int Priority, string Id) after, int limit, CancellationToken cancellationToken = default) =>
        ReadManyAsync("Messages/due_of_number.sql", cancellationToken, ("phone_number_id", phoneNumberId), ("now", now.ToUnixTimeMilliseconds()), ("after_priority", after.Priority), ("after_id", after.Id), ("limit", limit));

    /// <summary>Every phone number with a message not yet sent.</summary>
    public Task<List<string>> ReadOpenNumbersAsync(CancellationToken cancellationToken = default) =>
        ReadNumbersAsync("Messages/open_numbers.sql", cancellationToken);

    /// <summary>Every phone number with a message not yet sent whose retry time has come by <paramref name="now"/>.</summary>
    public Task<List<string>> ReadDueNumbersAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReadNumbersAsync("Messages/due_numbers.sql", cancellationToken, ("now", now.ToUnixTimeMilliseconds()));

    private async Task<List<string>> ReadNumbersAsync(string script, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(_sql.Get(script));
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var numbers = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            numbers.Add(reader.GetString(0));
        }

        return numbers;
    }

    private async Task<List<LedgerMessage>> ReadManyAsync(string script, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(_sql.Get(script));
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var messages = new List<LedgerMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(Read(reader));
        }

        return messages;
    }

    private async Task<List<LedgerEvent>> ReadEventsAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(_sql.Get("Messages/events.sql"), transaction).With("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<LedgerEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new LedgerEvent(reader.GetString(0), Time(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetInt32(2)));
        }

        return events;
    }

    private async Task<LedgerMessage?> ReadOneAsync(string script, string parameter, string value, CancellationToken cancellationToken)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadOneAsync(lease.Connection, null, script, parameter, value, cancellationToken).ConfigureAwait(false);
    }

    private async Task<LedgerMessage?> ReadOneAsync(DbConnection connection, DbTransaction? transaction, string script, string parameter, string value, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(_sql.Get(script), transaction).With(parameter, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static int Accept(StatementBatch batch, LedgerMessage message) => batch.Add(
        "Messages/insert.sql",
        ("id", message.Id),
        ("idempotency_key", message.IdempotencyKey),
        ("phone_number_id", message.PhoneNumberId),
        ("wa_id", message.WaId),
        ("campaign_id", message.CampaignId),
        ("mode", message.Mode),
        ("request", message.Request),
        ("retry_at", message.RetryAt?.ToUnixTimeMilliseconds()),
        ("accepted_at", message.AcceptedAt.ToUnixTimeMilliseconds()),
        ("expires_at", message.ExpiresAt.ToUnixTimeMilliseconds()),
        ("callback_url", message.CallbackUrl),
        ("trace_parent", message.TraceParent),
        ("priority", message.Priority));

    private static int Advance(StatementBatch batch, string id, AdvanceWrite advance)
    {
        if (advance.Wamid is { } wamid)
        {
            batch.Add("Messages/set_wamid.sql", ("id", id), ("wamid", wamid));
        }

        return batch.Add(
            "Messages/advance.sql",
            ("id", id),
            ("status", advance.Status),
            ("rank", advance.Rank),
            ("from_max", advance.FromMaxRank),
            ("at", advance.At.ToUnixTimeMilliseconds()),
            ("error", advance.Error),
            ("error_code", advance.ErrorCode),
            ("reason", advance.Reason),
            ("release_key", advance.ReleaseIdempotencyKey ? 1 : 0));
    }

    private static int AdvanceByWamid(StatementBatch batch, string wamid, AdvanceWrite advance) => batch.Add(
        "Messages/advance_by_wamid.sql",
        ("wamid", wamid),
        ("status", advance.Status),
        ("rank", advance.Rank),
        ("from_max", advance.FromMaxRank),
        ("at", advance.At.ToUnixTimeMilliseconds()),
        ("error", advance.Error),
        ("error_code", advance.ErrorCode));

    private static int Defer(StatementBatch batch, DeferWrite defer) => batch.Add(
        "Messages/defer.sql",
        ("id", defer.MessageId),
        ("retry_at", defer.RetryAt.ToUnixTimeMilliseconds()),
        ("at", defer.At.ToUnixTimeMilliseconds()),
        ("priority", defer.Priority),
        ("error", defer.Error),
        ("error_code", defer.ErrorCode));

    private static int Reconcile(StatementBatch batch, ReconcileWrite reconcile) => batch.Add(
        "Messages/reconcile.sql",
        ("id", reconcile.MessageId),
        ("wamid", reconcile.Wamid),
        ("status", reconcile.Status),
        ("rank", reconcile.Rank),
        ("from_max", reconcile.FromMaxRank),
        ("at", reconcile.At.ToUnixTimeMilliseconds()),
        ("error", reconcile.Error),
        ("error_code", reconcile.ErrorCode),
        ("outcome_unknown", OutcomeUnknownCode));

    /// <summary>
    /// What follows a write: its history entry and its callback when it applied. A status Meta reports late (a
    /// <c>delivered</c> after the <c>read</c>) still joins the history, since it happened (a status found by wamid did so
    /// in round one); a status that does not apply otherwise (a <c>failed</c> after <c>read</c>, a replay) leaves no
    /// trace anywhere.
    /// </summary>
    private static void FollowUp(StatementBatch batch, LedgerWrite write, bool applied)
    {
        switch (write)
        {
            case AcceptWrite accept when applied:
                Event(batch, accept.Message.Id, "accepted", accept.Message.AcceptedAt, null);
                break;
            case AdvanceWrite { MessageId: { } id } advance when applied || IsProgress(advance.Status):
                Event(batch, id, advance.Status, advance.At, advance.ErrorCode);
                if (applied && advance.CallbackUntil is { } until)
                {
                    Callback(batch, "Callbacks/enqueue_by_id.sql", ("id", id), advance.Status, advance.At, advance.ErrorCode, advance.Error, until);
                }

                break;
            case AdvanceWrite { Wamid: { } wamid } advance when applied:
                if (!IsProgress(advance.Status))
                {
                    batch.Add("Messages/event_by_wamid.sql", ("wamid", wamid), ("status", advance.Status), ("at", advance.At.ToUnixTimeMilliseconds()), ("error_code", advance.ErrorCode));
                }

                if (advance.CallbackUntil is { } wamidUntil)
                {
                    Callback(batch, "Callbacks/enqueue_by_wamid.sql", ("wamid", wamid), advance.Status, advance.At, advance.ErrorCode, advance.Error, wamidUntil);
                }

                break;
            case DeferWrite defer when applied:
                Event(batch, defer.MessageId, defer.Reason, defer.At, defer.ErrorCode);
                if (defer.CallbackUntil is { } deferUntil)
                {
                    Callback(batch, "Callbacks/enqueue_by_id.sql", ("id", defer.MessageId), defer.Reason, defer.At, defer.ErrorCode, defer.Error, deferUntil);
                }

                break;
            case ReconcileWrite reconcile when applied:
                // The outcome is known after all: what was recorded as unknown gives way to what Meta reported.
                batch.Add("Messages/forget_outcome_unknown.sql", ("id", reconcile.MessageId));
                if (reconcile.Rank is > SentRank and < EndRank)
                {
                    Event(batch, reconcile.MessageId, "sent", reconcile.At, null);
                }

                Event(batch, reconcile.MessageId, reconcile.Status, reconcile.At, reconcile.ErrorCode);
                if (reconcile.CallbackUntil is { } reconcileUntil)
                {
                    Callback(batch, "Callbacks/enqueue_by_id.sql", ("id", reconcile.MessageId), reconcile.Status, reconcile.At, reconcile.ErrorCode, reconcile.Error, reconcileUntil);
                }

                break;
        }
    }

    /// <summary>The forward statuses Meta reports about a message it has: facts even when they arrive late.</summary>
    private static bool IsProgress(string status) => status is "sent" or "delivered" or "read";

    /// <summary>The ranks of <c>sent</c> and of the ends (<c>MessageStatuses</c> in the grains owns the ranks).</summary>
    private const int SentRank = 2;

    private const int EndRank = 5;

    /// <summary>The error code of a send whose outcome is unknown (<c>ErrorCodes.TransportFailure</c>).</summary>
    private const int OutcomeUnknownCode = -1;

    private static string IdOf(LedgerWrite write) => write switch
    {
        AdvanceWrite { MessageId: { } id } => id,
        DeferWrite defer => defer.MessageId,
        ReconcileWrite reconcile => reconcile.MessageId,
        _ => throw new ArgumentException($"{write} has no message id.", nameof(write)),
    };

    private static int Callback(StatementBatch batch, string script, (string Name, object? Value) message, string status, DateTimeOffset at, int? errorCode, string? error, DateTimeOffset until) =>
        batch.Add(script, message, ("status", status), ("at", at.ToUnixTimeMilliseconds()), ("error_code", errorCode), ("error", error), ("now", at.ToUnixTimeMilliseconds()), ("expires_at", until.ToUnixTimeMilliseconds()));

    private static int Event(StatementBatch batch, string id, string status, DateTimeOffset at, int? errorCode) =>
        batch.Add("Messages/event.sql", ("id", id), ("status", status), ("at", at.ToUnixTimeMilliseconds()), ("error_code", errorCode));

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
        reader.IsDBNull(14) ? null : reader.GetString(14),
        reader.IsDBNull(15) ? null : reader.GetString(15),
        reader.GetInt32(16));

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}
