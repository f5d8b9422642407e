using System.Data.Common;

namespace WaDispatch.Storage.Budgets;

/// <summary>
/// The <c>messaging_budget</c> table: one row per counted recipient, so recording a recipient writes
/// one row and never rewrites a business's whole window.
/// </summary>
public sealed class MessagingBudgetStore
{
    private readonly StorageDatabase _database;
    private readonly string _upsertSql;
    private readonly string _readSql;
    private readonly string _pruneSql;

    /// <summary>Creates the store over <paramref name="database"/>.</summary>
    public MessagingBudgetStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _upsertSql = database.Scripts.Get("MessagingBudget/upsert.sql");
        _readSql = database.Scripts.Get("MessagingBudget/read.sql");
        _pruneSql = database.Scripts.Get("MessagingBudget/prune.sql");
    }

    /// <summary>The entries of <paramref name="businessId"/> counted after <paramref name="since"/>, oldest first.</summary>
    public async Task<List<BudgetEntry>> ReadAsync(string businessId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand(_readSql)
            .With("business_id", businessId)
            .With("since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<BudgetEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new BudgetEntry(businessId, reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return entries;
    }

    /// <summary>Records <paramref name="entries"/> in one transaction; a later time replaces an earlier one, never the reverse.</summary>
    public async Task WriteAsync(IReadOnlyCollection<BudgetEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_upsertSql, transaction)
            .With("business_id", string.Empty)
            .With("phone_number_id", string.Empty)
            .With("wa_id", string.Empty)
            .With("counted_at", 0L);
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            Set(command, 0, entry.BusinessId);
            Set(command, 1, entry.PhoneNumberId);
            Set(command, 2, entry.WaId);
            Set(command, 3, entry.CountedAt.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the entries of <paramref name="businessId"/> counted at or before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PruneAsync(string businessId, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var command = connection.CreateCommand(_pruneSql)
            .With("business_id", businessId)
            .With("before", before.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Set(DbCommand command, int index, object value) => command.Parameters[index].Value = value;
}
