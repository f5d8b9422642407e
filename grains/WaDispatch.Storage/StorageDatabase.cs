using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace WaDispatch.Storage;

/// <summary>The root storage object: one <see cref="DbDataSource"/> and the SQL of its vendor.</summary>
public sealed class StorageDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim? _writeGate;

    private StorageDatabase(StorageProvider provider, DbDataSource dataSource)
    {
        Provider = provider;
        DataSource = dataSource;
        Scripts = SqlScripts.For(provider);
        _writeGate = provider == StorageProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;
    }

    /// <summary>The database engine.</summary>
    public StorageProvider Provider { get; }

    /// <summary>The data source every storage component opens connections from.</summary>
    public DbDataSource DataSource { get; }

    /// <summary>The vendor's SQL.</summary>
    public SqlScripts Scripts { get; }

    /// <summary>
    /// Creates the data source for <paramref name="options"/>. For a SQLite file, creates its folder, so
    /// that the zero-configuration run works on a fresh checkout.
    /// </summary>
    public static StorageDatabase Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider)
        {
            case StorageProvider.PostgreSql:
                return new StorageDatabase(options.Provider, NpgsqlDataSource.Create(options.ConnectionString!));
            default:
                var builder = new SqliteConnectionStringBuilder(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString);
                var file = builder.DataSource;
                if (!string.IsNullOrEmpty(file) && builder.Mode != SqliteOpenMode.Memory && file != ":memory:")
                {
                    var folder = Path.GetDirectoryName(Path.GetFullPath(file));
                    if (!string.IsNullOrEmpty(folder))
                    {
                        Directory.CreateDirectory(folder);
                    }
                }

                return new StorageDatabase(options.Provider, SqliteFactory.Instance.CreateDataSource(builder.ConnectionString));
        }
    }

    /// <summary>
    /// Opens a connection. For SQLite it also sets <c>synchronous = NORMAL</c>: in WAL mode a commit then writes the
    /// log without waiting for the disk, which keeps every commit durable across a crash of the process (not
    /// across a power cut); commits that wait for the disk made the ledger's group commits slow enough under
    /// load to delay sends. PostgreSQL is the engine for durability against power loss.
    /// </summary>
    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (Provider == StorageProvider.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    /// <summary>
    /// Opens a connection to write with; dispose the writer when done. SQLite takes one writer at a time, and when
    /// two connections race for its lock, the driver retries the loser with <c>Thread.Sleep</c> on a thread-pool
    /// thread, which under load stalls everything else on the pool. So SQLite writers here wait their turn
    /// asynchronously, one at a time in this process; PostgreSQL writers go straight through.
    /// </summary>
    public async ValueTask<StorageWriter> OpenWriterAsync(CancellationToken cancellationToken = default)
    {
        if (_writeGate is not null)
        {
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return new StorageWriter(await OpenConnectionAsync(cancellationToken).ConfigureAwait(false), _writeGate);
        }
        catch
        {
            _writeGate?.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        _writeGate?.Dispose();
    }
}
