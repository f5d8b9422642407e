using System.Globalization;

namespace WaDispatch.Storage.Campaigns;

/// <summary>
/// The <c>campaign_audience</c> table (a campaign's recipients, in upload order, each once) and the
/// counts of a campaign's messages in the ledger.
/// </summary>
public sealed class CampaignStore
{
    private readonly StorageDatabase _database;
    private readonly string _readSql;
    private readonly string _countsSql;

    /// <summary>Creates the store over <paramref name="database"/>.</summary>
    public CampaignStore(StorageDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _readSql = database.Scripts.Get("Campaigns/read_recipients.sql");
        _countsSql = database.Scripts.Get("Campaigns/counts.sql");
    }

    /// <summary>How many of the campaign's messages are on their way (accepted or sending), and how many of those wait for a retry time after <paramref name="now"/>.</summary>
    public async Task<(long Open, long Waiting)> CountOpenAsync(string campaignId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(_database.Scripts.Get("Campaigns/open_count.sql")).With("campaign_id", campaignId).With("now", now.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    /// <summary>Deletes the audience of <paramref name="campaignId"/>: an upload that failed leaves nothing behind.</summary>
    public async Task DeleteAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using var command = writer.Connection.CreateCommand(_database.Scripts.Get("Campaigns/delete_audience.sql")).With("campaign_id", campaignId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds <paramref name="rows"/> to the audience of <paramref name="campaignId"/> in one transaction;
    /// returns the rows added — a recipient already in the audience, or a position already taken, is not.
    /// </summary>
    public async Task<List<AudienceRow>> AddAsync(string campaignId, IReadOnlyList<AudienceRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var added = new List<AudienceRow>(rows.Count);
        if (rows.Count == 0)
        {
            return added;
        }

        await using var writer = await _database.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var batch = new StatementBatch(writer, transaction, _database.Scripts);
        foreach (var row in rows)
        {
            batch.Add("Campaigns/insert_recipient.sql", ("campaign_id", campaignId), ("seq", row.Seq), ("wa_id", row.WaId), ("params", row.Params));
        }

        var inserted = await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < rows.Count; i++)
        {
            if (inserted[i] > 0)
            {
                added.Add(rows[i]);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    /// <summary>Up to <paramref name="limit"/> recipients of <paramref name="campaignId"/> after position <paramref name="afterSeq"/>, in order.</summary>
    public async Task<List<AudienceRow>> ReadAsync(string campaignId, int afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand(_readSql)
            .With("campaign_id", campaignId)
            .With("after_seq", afterSeq)
            .With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<AudienceRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new AudienceRow(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>The messages of <paramref name="campaignId"/> in the ledger, counted by status, error code, skip reason and waiting.</summary>
    public async Task<List<CampaignMessageCount>> CountAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await using var lease = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var command = connection.CreateCommand(_countsSql).With("campaign_id", campaignId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var counts = new List<CampaignMessageCount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Add(new CampaignMessageCount(
                reader.GetString(0),
                Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
                reader.GetString(2),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture) == 1,
                Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture)));
        }

        return counts;
    }
}
