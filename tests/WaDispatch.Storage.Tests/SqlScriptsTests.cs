using Xunit;

namespace WaDispatch.Storage.Tests;

public sealed class SqlScriptsTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public void EveryVendor_HasEveryGrainStateScript_AndTheSameMigrations(StorageProvider provider)
    {
        var scripts = SqlScripts.For(provider);

        foreach (var name in new[] { "prepare.sql", "applied_migrations.sql", "record_migration.sql", "GrainState/read.sql", "GrainState/version.sql", "GrainState/insert.sql", "GrainState/update.sql", "GrainState/clear.sql" })
        {
            Assert.False(string.IsNullOrWhiteSpace(scripts.Get(name)), name);
        }

        Assert.Equal(
            SqlScripts.For(StorageProvider.Sqlite).Migrations.Select(m => (m.Id, m.Name)),
            scripts.Migrations.Select(m => (m.Id, m.Name)));
    }

    [Fact]
    public void VendorScript_OverridesTheCommonOne_AndMissingScriptsAreNamed()
    {
        var postgres = SqlScripts.For(StorageProvider.PostgreSql);

        Assert.Contains("jsonb", postgres.Get("GrainState/insert.sql"), StringComparison.Ordinal);
        Assert.DoesNotContain("jsonb", SqlScripts.For(StorageProvider.Sqlite).Get("GrainState/insert.sql"), StringComparison.Ordinal);
        Assert.Null(SqlScripts.For(StorageProvider.Sqlite).Find("lock_migrations.sql"));
        var missing = Assert.Throws<KeyNotFoundException>(() => postgres.Get("nope.sql"));
        Assert.Contains("nope.sql", missing.Message, StringComparison.Ordinal);
    }
}
