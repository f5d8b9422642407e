using WaDispatch.Storage;

namespace WaDispatch.Testing;

/// <summary>
/// A fresh PostgreSQL database for one test, dropped after it: the PostgreSQL side of a storage contract suite. The
/// test skips itself first when no server is configured (<see cref="TestPostgres.SkipReason"/>).
/// </summary>
public sealed class ThrowawayPostgres
{
    private string? _connectionString;

    /// <summary>Creates the database and returns storage options for it.</summary>
    public async Task<StorageOptions> CreateAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync();
        return new StorageOptions().UsePostgres(_connectionString);
    }

    /// <summary>Drops the database, if one was created.</summary>
    public Task DropAsync() => _connectionString is null ? Task.CompletedTask : TestPostgres.DropDatabaseAsync(_connectionString);
}
