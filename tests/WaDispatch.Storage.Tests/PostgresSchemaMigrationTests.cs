using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Storage.Tests;

/// <summary>The schema migrations against a real PostgreSQL server, in a fresh database per test.</summary>
public sealed class PostgresSchemaMigrationTests : SchemaMigrationContractTests
{
    private readonly ThrowawayPostgres _database = new();

    protected override Task<StorageOptions> CreateOptionsAsync()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        return _database.CreateAsync();
    }

    protected override Task DropAsync() => _database.DropAsync();
}
