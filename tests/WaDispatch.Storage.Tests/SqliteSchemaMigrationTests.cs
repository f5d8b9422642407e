using WaDispatch.Testing;

namespace WaDispatch.Storage.Tests;

/// <summary>The schema migrations against SQLite, in a file of its own per test.</summary>
public sealed class SqliteSchemaMigrationTests : SchemaMigrationContractTests
{
    private readonly TempSqliteFile _file = new();

    protected override Task<StorageOptions> CreateOptionsAsync() =>
        Task.FromResult(new StorageOptions().UseSqlite(_file.ConnectionString));

    protected override Task DropAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}
