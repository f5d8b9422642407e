namespace WaDispatch.Storage.Webhooks;

/// <summary>
/// The <c>webhook_inbox</c> table: webhook deliveries stored, byte for byte, before Meta gets its 200, and
/// deleted once processed. What is left after a crash is processed at the next start.
/// </summary>
public sealed class WebhookInboxStore
{
    private readonly StorageDatabase _database;
    private readonly string _insertSql;
    private readonly string _deleteSql;
    private readonly string _readSql;

    /// <summary>Creates the store over <paramref name="database"/>.</summary>
    public WebhookInboxStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _insertSql = database.Scripts.Get("WebhookInbox/insert.sql");
        _deleteSql = database.Scripts.Get("WebhookInbox/delete.sql");
        _readSql = database.Scripts.Get("WebhookInbox/read.sql");
    }

    /// <summary>Stores <paramref name="bodies"/> in one transaction; returns their ids, in order.</summary>
    public async Task<long[]> AddAsync(IReadOnlyList<WebhookDelivery> bodies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var ids = new long[bodies.Count];
        if (bodies.Count == 0)
        {
            return ids;
        }

        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_insertSql, transaction).With("received_at", 0L).With("body", Array.Empty<byte>());
        for (var i = 0; i < bodies.Count; i++)
        {
            command.Parameters[0].Value = bodies[i].ReceivedAt.ToUnixTimeMilliseconds();
            command.Parameters[1].Value = bodies[i].Body;
            ids[i] = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Deletes the processed deliveries <paramref name="ids"/> in one transaction.</summary>
    public async Task DeleteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_deleteSql, transaction).With("id", 0L);
        foreach (var id in ids)
        {
            command.Parameters[0].Value = id;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="limit"/> stored deliveries with ids after <paramref name="afterId"/>, oldest first.</summary>
    public async Task<List<StoredWebhook>> ReadAsync(long afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand(_readSql).With("after_id", afterId).With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stored = new List<StoredWebhook>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored.Add(new StoredWebhook(reader.GetInt64(0), new WebhookDelivery(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), (byte[])reader.GetValue(2))));
        }

        return stored;
    }
}
