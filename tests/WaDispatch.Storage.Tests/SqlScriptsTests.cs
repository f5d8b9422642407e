using Xunit;

namespace WaDispatch.Storage.Tests;

public sealed class SqlScriptsTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public void EveryVendor_HasTheMigratorsScripts_AndTheSameMigrations(StorageProvider provider)
    {
        var scripts = SqlScripts.For(provider);

        foreach (var name in new[] { "prepare.sql", "applied_migrations.sql", "record_migration.sql", "Messages/open_of_number.sql", "Messages/due_of_number.sql", "Messages/open_numbers.sql" })
        {
            Assert.False(string.IsNullOrWhiteSpace(scripts.Get(name)), name);
        }

        Assert.Equal(
            SqlScripts.For(StorageProvider.Sqlite).Migrations.Select(m => (m.Id, m.Name)),
            scripts.Migrations.Select(m => (m.Id, m.Name)));
    }

    [Fact]
    public void VendorScripts_AreFoundBesideTheCommonOnes_AndMissingScriptsAreNamed()
    {
        var postgres = SqlScripts.For(StorageProvider.PostgreSql);

        Assert.Contains("bytea", postgres.Migrations.Single(m => m.Name.Contains("orleans_grain_storage", StringComparison.Ordinal)).Sql, StringComparison.Ordinal);
        Assert.Contains("pg_advisory_xact_lock", postgres.Get("lock_migrations.sql"), StringComparison.Ordinal);
        Assert.Equal(SqlScripts.For(StorageProvider.Sqlite).Get("record_migration.sql"), postgres.Get("record_migration.sql"));
        Assert.Null(SqlScripts.For(StorageProvider.Sqlite).Find("lock_migrations.sql"));
        var missing = Assert.Throws<KeyNotFoundException>(() => postgres.Get("nope.sql"));
        Assert.Contains("nope.sql", missing.Message, StringComparison.Ordinal);
    }
}
