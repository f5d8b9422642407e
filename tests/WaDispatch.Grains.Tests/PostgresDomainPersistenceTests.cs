using WaDispatch.Storage;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>The domain persistence contract on a real PostgreSQL server, in a fresh database per test.</summary>
public sealed class PostgresDomainPersistenceTests : DomainPersistenceContractTests
{
    private string? _connectionString;

    protected override async Task<StorageOptions> CreateStorageAsync()
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
