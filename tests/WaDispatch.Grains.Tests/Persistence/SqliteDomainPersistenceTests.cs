using WaDispatch.Storage;
using WaDispatch.Testing;

namespace WaDispatch.Grains.Tests.Persistence;

/// <summary>The domain persistence contract on a SQLite file.</summary>
public sealed class SqliteDomainPersistenceTests : DomainPersistenceContractTests
{
    private readonly TempSqliteFile _file = new();

    protected override Task<StorageOptions> CreateStorageAsync() => Task.FromResult(new StorageOptions().UseSqlite(_file.ConnectionString));

    protected override Task DropAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}
