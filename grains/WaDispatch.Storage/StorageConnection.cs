using System.Data.Common;

namespace WaDispatch.Storage;

/// <summary>
/// A connection opened by <see cref="StorageDatabase"/>: one of the silo's bounded connections (and, from
/// <see cref="StorageDatabase.OpenWriterAsync"/> on SQLite, this process's turn to write). Disposing it closes the
/// connection and gives its place back.
/// </summary>
public sealed class StorageConnection : IAsyncDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim? _writeTurn;

    internal StorageConnection(DbConnection connection, SemaphoreSlim slots, SemaphoreSlim? writeTurn)
    {
        Connection = connection;
        _slots = slots;
        _writeTurn = writeTurn;
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
            _slots.Release();
            _writeTurn?.Release();
        }
    }
}
