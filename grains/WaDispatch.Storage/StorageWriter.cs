using System.Data.Common;

namespace WaDispatch.Storage;

/// <summary>A connection opened by <see cref="StorageDatabase.OpenWriterAsync"/>: this process's turn to write. Disposing it closes the connection and ends the turn.</summary>
public sealed class StorageWriter : IAsyncDisposable
{
    private readonly SemaphoreSlim? _gate;

    internal StorageWriter(DbConnection connection, SemaphoreSlim? gate)
    {
        Connection = connection;
        _gate = gate;
    }

    /// <summary>The open connection.</summary>
    public DbConnection Connection { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate?.Release();
        }
    }
}
