using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace WaDispatch.Storage;

/// <summary>
/// A connection opened by <see cref="StorageDatabase"/>: one of the silo's bounded connections (and, from
/// <see cref="StorageDatabase.OpenWriterAsync"/> on SQLite, this process's turn to write). Disposing it gives its
/// place back, and closes the connection unless it is SQLite's writer, which stays open with its prepared commands.
/// </summary>
public sealed class StorageConnection : IAsyncDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim? _writeTurn;
    private readonly KeptWriter? _kept;
    private readonly Dictionary<string, DbCommand> _commands;

    internal StorageConnection(DbConnection connection, SemaphoreSlim slots, SemaphoreSlim? writeTurn, KeptWriter? kept = null)
    {
        Connection = connection;
        _slots = slots;
        _writeTurn = writeTurn;
        _kept = kept;
        _commands = kept?.Commands ?? new(StringComparer.Ordinal);
    }

    /// <summary>The open connection.</summary>
    public DbConnection Connection { get; }

    /// <summary>
    /// The command for <paramref name="sql"/> on this connection, in <paramref name="transaction"/>: made on first use,
    /// its parameters added by <paramref name="created"/>'s caller, then reused with its prepared statement for as long
    /// as the connection stays open (SQLite's writer: across every write of the process). Not for the caller to dispose.
    /// </summary>
    internal DbCommand Command(string sql, DbTransaction? transaction, out bool created)
    {
        created = !_commands.TryGetValue(sql, out var command);
        if (created)
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command!.Transaction = transaction;
        return command;
    }

    /// <summary>
    /// Begins a transaction in which every read sees the database as of the first one, for reads that must agree with
    /// each other (a message and its history). SQLite: a deferred <c>BEGIN</c>, which takes no write lock and, in WAL
    /// mode, keeps the reader's snapshot until it ends. PostgreSQL: <c>REPEATABLE READ</c>, since its default (read
    /// committed) takes a new snapshot for each statement.
    /// </summary>
    public async ValueTask<DbTransaction> BeginSnapshotAsync(CancellationToken cancellationToken = default) => Connection is SqliteConnection sqlite
        ? sqlite.BeginTransaction(deferred: true)
        : await Connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_kept is null || Connection.State != System.Data.ConnectionState.Open)
            {
                foreach (var command in _commands.Values)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }

                _commands.Clear();
                _kept?.Lost();
                await Connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _slots.Release();
            _writeTurn?.Release();
        }
    }
}

/// <summary>
/// SQLite's one writer connection, kept open between writes with the commands prepared on it. SQLite takes one writer
/// at a time anyway, and a group commit's statements are the same few scripts every time: kept, each is parsed and
/// planned once per process instead of once per group (preparing was about half of SQLite's time while status webhooks
/// were applied). Used only under the write turn.
/// </summary>
internal sealed class KeptWriter
{
    /// <summary>The open connection, or null until the next write opens one.</summary>
    public DbConnection? Connection { get; set; }

    /// <summary>The commands prepared on <see cref="Connection"/>, by SQL text.</summary>
    public Dictionary<string, DbCommand> Commands { get; } = new(StringComparer.Ordinal);

    /// <summary>The connection was closed (or broke): the next write opens a new one.</summary>
    public void Lost()
    {
        Connection = null;
        Commands.Clear();
    }
}
