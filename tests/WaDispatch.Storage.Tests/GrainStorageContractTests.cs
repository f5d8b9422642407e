using System.Data.Common;
using WaDispatch.Runtime.Persistence;
using WaDispatch.Storage;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Storage.Tests;

/// <summary>The behaviour every storage vendor must show; each vendor runs this whole class.</summary>
public abstract class GrainStorageContractTests : IAsyncLifetime
{
    private static readonly GrainStateId Id = new("counter", "+16505551234", "state");

    private StorageDatabase? _database;

    protected ManualTimeProvider Time { get; } = new();

    protected StorageDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    protected AdoNetGrainStorage Storage { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = StorageDatabase.Create(await CreateOptionsAsync());
        await new SchemaMigrator(_database, Time).MigrateAsync(TestContext.Current.CancellationToken);
        Storage = new AdoNetGrainStorage(_database, Time);
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
    public async Task Read_MissingRecord_HasNoPayloadAndNoVersion()
    {
        var stored = await Storage.ReadAsync(Id, Ct);

        Assert.Equal(new StoredGrainState(null, null), stored);
    }

    [Fact]
    public async Task Write_NewRecord_StartsAtVersion1_AndReadsBack()
    {
        var version = await Storage.WriteAsync(Id, """{"count":1}""", expectedVersion: null, Ct);

        Assert.Equal(1, version);
        var stored = await Storage.ReadAsync(Id, Ct);
        Assert.Equal(1, stored.Version);
        Assert.Equal("""{"count":1}""", Compact(stored.Payload));
    }

    [Fact]
    public async Task Write_WithCurrentVersion_IncrementsTheVersion()
    {
        var v1 = await Storage.WriteAsync(Id, """{"count":1}""", null, Ct);
        var v2 = await Storage.WriteAsync(Id, """{"count":2}""", v1, Ct);
        var v3 = await Storage.WriteAsync(Id, """{"count":3}""", v2, Ct);

        Assert.Equal([1L, 2L, 3L], [v1, v2, v3]);
        Assert.Equal("""{"count":3}""", Compact((await Storage.ReadAsync(Id, Ct)).Payload));
    }

    [Fact]
    public async Task Write_WithStaleVersion_ThrowsInconsistentState_WithTypeKeyAndBothVersions()
    {
        var v1 = await Storage.WriteAsync(Id, """{"count":1}""", null, Ct);
        await Storage.WriteAsync(Id, """{"count":2}""", v1, Ct);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Id, """{"count":99}""", v1, Ct));

        Assert.Equal("counter", conflict.GrainType);
        Assert.Equal("+16505551234", conflict.GrainKey);
        Assert.Equal("state", conflict.StateName);
        Assert.Equal("1", conflict.ExpectedEtag);
        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("""{"count":2}""", Compact((await Storage.ReadAsync(Id, Ct)).Payload));
    }

    [Fact]
    public async Task Write_ExpectingNoRecord_WhenOneExists_ThrowsInconsistentState()
    {
        await Storage.WriteAsync(Id, """{"count":1}""", null, Ct);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Id, """{"count":5}""", null, Ct));

        Assert.Null(conflict.ExpectedEtag);
        Assert.Equal("1", conflict.StoredEtag);
    }

    [Fact]
    public async Task Write_ExpectingAVersion_WhenNoRecordExists_ThrowsInconsistentState()
    {
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Id, """{"count":5}""", 3, Ct));

        Assert.Equal("3", conflict.ExpectedEtag);
        Assert.Null(conflict.StoredEtag);
    }

    [Fact]
    public async Task Clear_RemovesThePayload_ButTheVersionKeepsGrowing()
    {
        var v1 = await Storage.WriteAsync(Id, """{"count":1}""", null, Ct);

        var cleared = await Storage.ClearAsync(Id, v1, Ct);

        Assert.Equal(2, cleared);
        Assert.Equal(new StoredGrainState(null, 2), await Storage.ReadAsync(Id, Ct));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Id, """{"count":7}""", v1, Ct));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Id, """{"count":7}""", null, Ct));
        Assert.Equal(3, await Storage.WriteAsync(Id, """{"count":7}""", cleared, Ct));
    }

    [Fact]
    public async Task Clear_MissingRecord_IsANoOp()
    {
        Assert.Null(await Storage.ClearAsync(Id, null, Ct));
        Assert.Equal(new StoredGrainState(null, null), await Storage.ReadAsync(Id, Ct));
    }

    [Fact]
    public async Task Clear_WithStaleVersion_ThrowsInconsistentState()
    {
        var v1 = await Storage.WriteAsync(Id, """{"count":1}""", null, Ct);
        await Storage.WriteAsync(Id, """{"count":2}""", v1, Ct);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Id, v1, Ct));

        Assert.Equal("2", conflict.StoredEtag);
    }

    [Fact]
    public async Task States_AreIsolatedByGrainTypeKeyAndStateName()
    {
        await Storage.WriteAsync(Id, """{"n":"base"}""", null, Ct);
        await Storage.WriteAsync(Id with { GrainType = "other" }, """{"n":"type"}""", null, Ct);
        await Storage.WriteAsync(Id with { GrainKey = "+16505550000" }, """{"n":"key"}""", null, Ct);
        await Storage.WriteAsync(Id with { StateName = "window" }, """{"n":"state"}""", null, Ct);

        Assert.Equal("""{"n":"base"}""", Compact((await Storage.ReadAsync(Id, Ct)).Payload));
        Assert.Equal("""{"n":"type"}""", Compact((await Storage.ReadAsync(Id with { GrainType = "other" }, Ct)).Payload));
        Assert.Equal("""{"n":"key"}""", Compact((await Storage.ReadAsync(Id with { GrainKey = "+16505550000" }, Ct)).Payload));
        Assert.Equal("""{"n":"state"}""", Compact((await Storage.ReadAsync(Id with { StateName = "window" }, Ct)).Payload));
    }

    [Fact]
    public async Task ConcurrentWriters_WithTheSameVersion_ExactlyOneWins()
    {
        var v1 = await Storage.WriteAsync(Id, """{"count":0}""", null, Ct);

        var attempts = Enumerable.Range(1, 8).Select(async i =>
        {
            try
            {
                await Storage.WriteAsync(Id, $$"""{"count":{{i}}}""", v1, Ct);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(2, (await Storage.ReadAsync(Id, Ct)).Version);
    }

    [Fact]
    public async Task Payload_WithUnicodeAndLargeText_RoundTrips()
    {
        var text = string.Concat(Enumerable.Repeat("Olá 👋 مرحبا \"quoted\" \\ ", 5_000));
        var payload = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["body"] = text });

        await Storage.WriteAsync(Id, payload, null, Ct);

        var stored = (await Storage.ReadAsync(Id, Ct)).Payload!;
        using var document = System.Text.Json.JsonDocument.Parse(stored);
        Assert.Equal(text, document.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Write_RecordsTheModificationTime_FromTheInjectedClock()
    {
        Time.Advance(TimeSpan.FromHours(5));
        await Storage.WriteAsync(Id, """{"count":1}""", null, Ct);

        await using var connection = await Database.DataSource.OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT modified_at FROM grain_state";
        var stored = await command.ExecuteScalarAsync(Ct);

        Assert.Equal(Time.GetUtcNow(), ToDateTimeOffset(stored));
    }

    [Fact]
    public async Task Migrate_RunAgain_AppliesNothing_AndKeepsData()
    {
        await Storage.WriteAsync(Id, """{"count":1}""", null, Ct);

        var applied = await new SchemaMigrator(Database, Time).MigrateAsync(Ct);

        Assert.Empty(applied);
        Assert.Equal(1, (await Storage.ReadAsync(Id, Ct)).Version);
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

    private static DateTimeOffset ToDateTimeOffset(object? value) => value switch
    {
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime(),
        _ => throw new InvalidOperationException($"Unexpected timestamp {value?.GetType().Name}"),
    };

    private static string? Compact(string? json) =>
        json is null ? null : System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(json).RootElement);

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
