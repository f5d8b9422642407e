using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Storage.Tests;

/// <summary>The storage contract against a real PostgreSQL server, in a fresh database per test.</summary>
public sealed class PostgresGrainStorageTests : GrainStorageContractTests
{
    private string? _connectionString;

    protected override async Task<StorageOptions> CreateOptionsAsync()
    {
        if (TestPostgres.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        _connectionString = await TestPostgres.CreateDatabaseAsync();
        return new StorageOptions().UsePostgres(_connectionString);
    }

    protected override async Task DropAsync()
    {
        if (_connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(_connectionString);
        }
    }
}
