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

/// <summary>Silos started together on a new PostgreSQL database (a compose file's first start).</summary>
public sealed class PostgresFirstStartTests
{
    [Fact]
    public async Task SilosMigratingANewDatabaseTogether_EachMigrationIsAppliedOnce()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        var silos = Enumerable.Range(0, 4).Select(_ => StorageDatabase.Create(new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = connectionString })).ToList();
        try
        {
            // Each its own data source and connections, as separate processes have: nothing exists yet, not even the table of applied migrations.
            var runs = await Task.WhenAll(silos.Select(s => new SchemaMigrator(s, TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken)));

            Assert.Equal(silos[0].Scripts.Migrations.Count, runs.Sum(r => r.Count));
            Assert.Empty(await new SchemaMigrator(silos[0], TimeProvider.System).PendingAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}
