using System.Globalization;

namespace WaDispatch.Storage.Messages;

/// <summary>
/// The <c>callback_outbox</c> table: status callbacks waiting to be delivered. Rows are written by
/// <see cref="MessageLedgerStore"/> in the same transaction as the status change they tell of, so a
/// change is never told twice from the ledger's side nor lost.
/// </summary>
public sealed class CallbackOutboxStore
{
    private readonly StorageDatabase _database;
    private readonly string _dueSql;
    private readonly string _deleteSql;
    private readonly string _rescheduleSql;

    /// <summary>Creates the store over <paramref name="database"/>.</summary>
    public CallbackOutboxStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _dueSql = database.Scripts.Get("Callbacks/due.sql");
        _deleteSql = database.Scripts.Get("Callbacks/delete.sql");
        _rescheduleSql = database.Scripts.Get("Callbacks/reschedule.sql");
    }

    /// <summary>Up to <paramref name="limit"/> callbacks due at <paramref name="now"/>, oldest first, with their message's URL and ids.</summary>
    public async Task<List<DueCallback>> ReadDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand(_dueSql).With("now", now.ToUnixTimeMilliseconds()).With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<DueCallback>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(new DueCallback(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetString(10),
                reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetString(12)));
        }

        return due;
    }

    /// <summary>Removes a callback that was delivered or gave up.</summary>
    public async Task DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand(_deleteSql).With("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a failed attempt and when to try again.</summary>
    public async Task RescheduleAsync(long id, int attempts, DateTimeOffset nextAt, CancellationToken cancellationToken = default)
    {
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand(_rescheduleSql)
            .With("attempts", attempts)
            .With("next_at", nextAt.ToUnixTimeMilliseconds())
            .With("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A status callback due for delivery.</summary>
/// <param name="Id">The outbox row (also the event id receivers may deduplicate on).</param>
/// <param name="MessageId">WaDispatch's message id.</param>
/// <param name="Status">The status it tells of.</param>
/// <param name="At">When the message reached it.</param>
/// <param name="ErrorCode">The error code that came with it.</param>
/// <param name="Attempts">Failed deliveries so far.</param>
/// <param name="ExpiresAt">After this instant it is given up.</param>
/// <param name="Url">Where it goes.</param>
/// <param name="Wamid">Meta's id of the message, once sent.</param>
/// <param name="CampaignId">The message's campaign, if any.</param>
/// <param name="PhoneNumberId">The business number.</param>
/// <param name="WaId">The recipient.</param>
/// <param name="Error">The error of the change it tells of, as JSON, if any (not the message's error now, which a later change may have replaced).</param>
public sealed record DueCallback(long Id, string MessageId, string Status, DateTimeOffset At, int? ErrorCode, int Attempts, DateTimeOffset ExpiresAt, string Url, string? Wamid, string? CampaignId, string PhoneNumberId, string WaId, string? Error);
