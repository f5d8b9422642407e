using WaDispatch.Storage;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests.Persistence;

/// <summary>The domain persistence contract on a real PostgreSQL server, in a fresh database per test.</summary>
public sealed class PostgresDomainPersistenceTests : DomainPersistenceContractTests
{
    private readonly ThrowawayPostgres _database = new();

    protected override Task<StorageOptions> CreateStorageAsync()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        return _database.CreateAsync();
    }

    protected override Task DropAsync() => _database.DropAsync();
}
