using Microsoft.Extensions.Time.Testing;
using System.Data.Common;
using WaDispatch.Storage;
using WaDispatch.Storage.Messages;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Storage.Tests;

/// <summary>The schema migrations on every storage vendor; each vendor runs this whole class. (Grain state itself is tested through Orleans, in the grains' tests.)</summary>
public abstract class SchemaMigrationContractTests : IAsyncLifetime
{
    private StorageDatabase? _database;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected StorageDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    public async ValueTask InitializeAsync()
    {
        _database = StorageDatabase.Create(await CreateOptionsAsync());
        await new SchemaMigrator(_database, Time).MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await DropAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<StorageOptions> CreateOptionsAsync();

    protected abstract Task DropAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrations_GiveOrleansPersistenceItsThreeQueries()
    {
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM OrleansQuery WHERE QueryKey IN ('WriteToStorageKey', 'ReadFromStorageKey', 'ClearStorageKey')"));
    }

    [Fact]
    public async Task Migrate_RunAgain_AppliesNothing_AndKeepsData()
    {
        await ExecuteAsync("INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version) VALUES (1, 0, 0, 2, 'kept', 'k', 's', NULL, '2026-01-01T00:00:00Z', 1)");

        var applied = await new SchemaMigrator(Database, Time).MigrateAsync(Ct);

        Assert.Empty(applied);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = 'kept'"));
        Assert.Equal(Database.Scripts.Migrations.Count, await CountAsync("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_FromSeveralSilosAtOnce_AppliesEachMigrationOnce()
    {
        // A fresh schema_migrations: forget what InitializeAsync applied, keeping the tables.
        await ExecuteAsync("DELETE FROM schema_migrations");

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new SchemaMigrator(Database, Time).MigrateAsync(Ct)));

        Assert.Equal(Database.Scripts.Migrations.Count, runs.Sum(r => r.Count));
        Assert.Equal(Database.Scripts.Migrations.Count, await CountAsync("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_FromBeforeCallbacksKeptTheirOwnError_GivesTheWaitingOnesAndAnOldSilosTheirMessagesError()
    {
        // Callbacks queued by a silo before 0012 go out with their message's error, as that silo would have sent them.
        var at = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        const string limit = """{"code":-10}""";
        var ledger = new MessageLedgerStore(Database);
        await ledger.WriteAsync(
        [
            new AcceptWrite(new LedgerMessage("m1", null, "100000000000001", "16505551234", null, "async", """{"to":"16505551234"}""", "accepted", null, null, null, at, at.AddHours(24), at, "https://example.com/hook", null, LedgerMessage.BulkPriority)),
            new DeferWrite("m1", at.AddMinutes(1), at, "deferred", -10, limit) { CallbackUntil = at.AddDays(1) },
            new AdvanceWrite("m1", "wamid.1", "sent", 2, 1, at.AddMinutes(1)) { CallbackUntil = at.AddDays(1) },
        ], Ct);
        await ExecuteAsync("ALTER TABLE callback_outbox DROP COLUMN error");
        await ExecuteAsync("DELETE FROM schema_migrations WHERE id = 12");

        var applied = await new SchemaMigrator(Database, Time).MigrateAsync(Ct);

        // A silo not yet upgraded (a rolling upgrade) queues its callbacks without the error, as it always did.
        var ms = at.AddMinutes(2).ToUnixTimeMilliseconds();
        await ExecuteAsync($"INSERT INTO callback_outbox (message_id, status, at, error_code, attempts, next_at, expires_at) VALUES ('m1', 'requeued', {ms}, 131000, 0, {ms}, {ms + 86_400_000})");
        var due = await new CallbackOutboxStore(Database).ReadDueAsync(at.AddHours(1), 10, Ct);

        Assert.Equal(["0012_callback_error.sql"], applied.Select(m => m.Name));
        Assert.Equal([("deferred", limit), ("sent", null), ("requeued", limit)], due.Select(d => (d.Status, d.Error)));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using DbConnection connection = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
