using System.Security.Cryptography;
using System.Text;

namespace WaDispatch.Storage.Accounts;

/// <summary>
/// The <c>account_events</c> table: the ledger of account webhook changes per WABA. A change Meta delivers twice
/// (same WABA, field, time and value) is stored once, and <see cref="AddAsync"/> says whether it was new.
/// </summary>
public sealed class AccountEventStore
{
    private readonly StorageDatabase _database;
    private readonly string _insertSql;
    private readonly string _recentSql;

    /// <summary>Creates the store over <paramref name="database"/>.</summary>
    public AccountEventStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _insertSql = database.Scripts.Get("AccountEvents/insert.sql");
        _recentSql = database.Scripts.Get("AccountEvents/recent.sql");
    }

    /// <summary>Stores <paramref name="record"/>; false when the same change was stored before.</summary>
    public async Task<bool> AddAsync(AccountEventRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(record.Value)));
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand(_insertSql)
            .With("waba_id", record.WabaId)
            .With("field", record.Field)
            .With("occurred_at", record.OccurredAt.ToUnixTimeMilliseconds())
            .With("received_at", record.ReceivedAt.ToUnixTimeMilliseconds())
            .With("digest", digest)
            .With("value", record.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The latest <paramref name="limit"/> changes of <paramref name="wabaId"/>, newest first.</summary>
    public async Task<List<AccountEventRecord>> RecentAsync(string wabaId, int limit, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(_recentSql).With("waba_id", wabaId).With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<AccountEventRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new AccountEventRecord(wabaId, reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3)));
        }

        return records;
    }
}
