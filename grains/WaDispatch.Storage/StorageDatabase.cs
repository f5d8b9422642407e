using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace WaDispatch.Storage;

/// <summary>
/// The root storage object: one <see cref="DbDataSource"/> shared by everything that stores, the SQL of its vendor,
/// and the bound on connections (<see cref="StorageOptions.MaxConnections"/>).
/// </summary>
/// <remarks>
/// Every connection is taken through <see cref="OpenConnectionAsync"/> or <see cref="OpenWriterAsync"/>, which wait
/// their turn when all <see cref="StorageOptions.MaxConnections"/> are in use: a busy database slows the silo
/// down instead of failing it. Npgsql's own pool would also wait, but gives up with an error after its connection
/// timeout; the wait here has no deadline but the caller's cancellation. PostgreSQL's pool is sized to the same
/// bound, so the server never sees more connections from one silo than the setting says.
/// </remarks>
public sealed class StorageDatabase : IAsyncDisposable
{
    private static readonly TimeSpan WriterCloseWait = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim? _writeTurn;
    private readonly KeptWriter _writer = new();

    private StorageDatabase(StorageProvider provider, DbDataSource dataSource, int maxConnections)
    {
        Provider = provider;
        DataSource = dataSource;
        MaxConnections = maxConnections;
        Scripts = SqlScripts.For(provider);
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
        _writeTurn = provider == StorageProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;
    }

    /// <summary>The database engine.</summary>
    public StorageProvider Provider { get; }

    /// <summary>The data source every storage component opens connections from.</summary>
    public DbDataSource DataSource { get; }

    /// <summary>The vendor's SQL.</summary>
    public SqlScripts Scripts { get; }

    /// <summary>The most connections open at once (<see cref="StorageOptions.MaxConnections"/>).</summary>
    public int MaxConnections { get; }

    /// <summary>Connections open now, through this object.</summary>
    public int OpenConnections => MaxConnections - _slots.CurrentCount;

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
                // The pool holds at most the bound; pooled connections are reused instead of reopened.
                var postgres = new NpgsqlDataSourceBuilder(options.ConnectionString!);
                postgres.ConnectionStringBuilder.Pooling = true;
                postgres.ConnectionStringBuilder.MaxPoolSize = options.MaxConnections;
                postgres.ConnectionStringBuilder.MinPoolSize = Math.Min(postgres.ConnectionStringBuilder.MinPoolSize, options.MaxConnections);
                return new StorageDatabase(options.Provider, postgres.Build(), options.MaxConnections);
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

                return new StorageDatabase(options.Provider, SqliteFactory.Instance.CreateDataSource(builder.ConnectionString), options.MaxConnections);
        }
    }

    /// <summary>
    /// Opens a connection once one of the <see cref="MaxConnections"/> is free; dispose it to give the place back.
    /// For SQLite it also sets <c>synchronous = NORMAL</c>: in WAL mode a commit then writes the log without waiting
    /// for the disk, which keeps every commit durable across a crash of the process (not across a power cut);
    /// commits that wait for the disk made the ledger's group commits slow enough under load to delay sends.
    /// PostgreSQL is the engine for durability against power loss.
    /// </summary>
    public ValueTask<StorageConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        OpenAsync(cancellationToken);

    /// <summary>
    /// Opens a connection to write with; dispose it when done. SQLite takes one writer at a time, and when two
    /// connections race for its lock, the driver retries the loser with <c>Thread.Sleep</c> on a thread-pool thread,
    /// which under load stalls everything else on the pool. So SQLite writers here wait their turn asynchronously,
    /// one at a time in this process, and all write through one connection kept open with the commands prepared on it
    /// (<see cref="KeptWriter"/>); PostgreSQL writers only wait for a free connection.
    /// </summary>
    public async ValueTask<StorageConnection> OpenWriterAsync(CancellationToken cancellationToken = default)
    {
        if (_writeTurn is null)
        {
            return await OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _writer.Connection ??= await OpenSqliteAsync(cancellationToken).ConfigureAwait(false);
                return new StorageConnection(_writer.Connection, _slots, _writeTurn, _writer);
            }
            catch
            {
                _slots.Release();
                throw;
            }
        }
        catch
        {
            _writeTurn.Release();
            throw;
        }
    }

    private async ValueTask<StorageConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Provider == StorageProvider.Sqlite
                ? await OpenSqliteAsync(cancellationToken).ConfigureAwait(false)
                : await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return new StorageConnection(connection, _slots, writeTurn: null);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private async ValueTask<DbConnection> OpenSqliteAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The gates are not disposed: a connection still out when the host stops gives its place back later. SQLite's
        // writer is closed in its turn, once a write under way (if any) has ended, or after a few seconds regardless.
        if (_writeTurn is not null && await _writeTurn.WaitAsync(WriterCloseWait).ConfigureAwait(false))
        {
            try
            {
                foreach (var command in _writer.Commands.Values)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }

                if (_writer.Connection is { } writer)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }

                _writer.Lost();
            }
            finally
            {
                _writeTurn.Release();
            }
        }

        await DataSource.DisposeAsync().ConfigureAwait(false);
    }
}
