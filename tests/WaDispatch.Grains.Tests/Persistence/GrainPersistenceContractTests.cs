using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using WaDispatch.Storage;
using Xunit;

namespace WaDispatch.Grains.Tests.Persistence;

/// <summary>
/// Grain state through Orleans' ADO.NET provider on the tables and queries of WaDispatch's own migrations: what every
/// storage vendor must show. Each vendor runs this whole class.
/// </summary>
public abstract class GrainPersistenceContractTests : IAsyncLifetime
{
    private StorageOptions _storage = null!;
    private GrainHost? _host;

    protected abstract Task<StorageOptions> CreateStorageAsync();

    protected abstract Task DropAsync();

    public async ValueTask InitializeAsync()
    {
        _storage = await CreateStorageAsync();
        _host = await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await DropAsync();
        GC.SuppressFinalize(this);
    }

    private GrainHost Host => _host!;

    private IContractGrain Grain(string key = "k1") => Host.Grains.GetGrain<IContractGrain>(key);

    [Fact]
    public async Task AStateNeverWritten_HasNoRecord()
    {
        Assert.Null(await Grain().ReadAsync());
    }

    [Fact]
    public async Task AWrittenState_SurvivesARestartOfTheSilo()
    {
        await Grain().WriteAsync(new ContractState { Count = 1 });
        await Grain().WriteAsync(new ContractState { Count = 2, Text = "second" });

        await RestartAsync();

        Assert.Equal(new ContractState { Count = 2, Text = "second" }, await Grain().ReadAsync());
    }

    [Fact]
    public async Task TheStoredState_IsJsonAnOperatorCanRead_ByStateNameAndKey()
    {
        await Grain("+16505551234").WriteAsync(new ContractState { Count = 7, Text = "seven" });

        var json = await ScalarAsync($"SELECT state FROM grain_states WHERE state_name = '{ContractGrain.StateName}' AND grain_key = '+16505551234'");

        using var document = JsonDocument.Parse(Assert.IsType<string>(json));
        Assert.Equal((7, "seven"), (document.RootElement.GetProperty("Count").GetInt32(), document.RootElement.GetProperty("Text").GetString()));
    }

    [Fact]
    public async Task AStaleWrite_SurfacesAsInconsistentStateException_AndTheActivationIsDropped()
    {
        await Grain().WriteAsync(new ContractState { Count = 1 });

        // Another writer (another activation of the grain, on a silo that thought it owned it) wrote in between.
        await ExecuteAsync($"UPDATE OrleansStorage SET Version = Version + 1, PayloadBinary = {Payload("""{"Count":41,"Text":"other writer"}""")} WHERE GrainTypeString = '{ContractGrain.StateName}'");
        await Assert.ThrowsAsync<InconsistentStateException>(async () => await Grain().WriteAsync(new ContractState { Count = 2 }));

        // A new activation reads what the other writer wrote, and writes on top of it.
        Assert.Equal(new ContractState { Count = 41, Text = "other writer" }, await Grain().ReadAsync());
        await Grain().WriteAsync(new ContractState { Count = 42 });
        await RestartAsync();
        Assert.Equal(42, (await Grain().ReadAsync())!.Count);
    }

    [Fact]
    public async Task AClearedState_HasNoRecordAfterARestart_AndCanBeWrittenAgain()
    {
        await Grain().WriteAsync(new ContractState { Count = 1 });
        await Grain().ClearAsync();
        await RestartAsync();

        Assert.Null(await Grain().ReadAsync());
        await Grain().WriteAsync(new ContractState { Count = 3 });
        await RestartAsync();
        Assert.Equal(3, (await Grain().ReadAsync())!.Count);
    }

    [Fact]
    public async Task States_AreIsolatedByKey()
    {
        await Grain("a").WriteAsync(new ContractState { Text = "a" });
        await Grain("b").WriteAsync(new ContractState { Text = "b" });
        await RestartAsync();

        Assert.Equal(("a", "b", (ContractState?)null), ((await Grain("a").ReadAsync())!.Text, (await Grain("b").ReadAsync())!.Text, await Grain("c").ReadAsync()));
    }

    [Fact]
    public async Task UnicodeAndLargeState_RoundTrips()
    {
        var text = string.Concat(Enumerable.Repeat("Olá 👋 مرحبا \"quoted\" \\ ", 5_000));
        await Grain().WriteAsync(new ContractState { Text = text });
        await RestartAsync();

        Assert.Equal(text, (await Grain().ReadAsync())!.Text);
    }

    [Fact]
    public async Task ConcurrentWriters_WithTheSameEtag_ExactlyOneWins()
    {
        var storage = Host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var id = GrainId.Create("contract", "race");
        var first = new GrainState<ContractState>(new ContractState { Count = 0 });
        await storage.WriteStateAsync(ContractGrain.StateName, id, first);

        var wins = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => TryWriteAsync(storage, id, new GrainState<ContractState>(new ContractState { Count = i }) { ETag = first.ETag })));

        Assert.Equal(1, wins.Count(won => won));
    }

    [Fact]
    public async Task ConcurrentFirstWriters_ExactlyOneWins()
    {
        var storage = Host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var id = GrainId.Create("contract", "first-race");

        var wins = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => TryWriteAsync(storage, id, new GrainState<ContractState>(new ContractState { Count = i }))));

        Assert.Equal(1, wins.Count(won => won));
        Assert.Equal(1L, Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = '{ContractGrain.StateName}'"), CultureInfo.InvariantCulture));
    }

    private static async Task<bool> TryWriteAsync(IGrainStorage storage, GrainId id, GrainState<ContractState> state)
    {
        try
        {
            await storage.WriteStateAsync(ContractGrain.StateName, id, state);
            return true;
        }
        catch (InconsistentStateException)
        {
            return false;
        }
    }

    private Task<GrainHost> StartAsync() =>
        GrainHost.StartAsync(
            o =>
            {
                o.Provider = _storage.Provider;
                o.ConnectionString = _storage.ConnectionString;
            },
            TimeProvider.System);

    private async Task RestartAsync()
    {
        await _host!.DisposeAsync();
        _host = null;
        _host = await StartAsync();
    }

    /// <summary>A JSON payload as a SQL literal of the vendor's binary column.</summary>
    private string Payload(string json)
    {
        var hex = Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(json));
        return _storage.Provider == StorageProvider.PostgreSql ? $"'\\x{hex}'::bytea" : $"X'{hex}'";
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var database = StorageDatabase.Create(_storage);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var database = StorageDatabase.Create(_storage);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}

/// <summary>The grain persistence contract on a SQLite file.</summary>
public sealed class SqliteGrainPersistenceTests : GrainPersistenceContractTests
{
    private readonly WaDispatch.Testing.TempSqliteFile _file = new();

    protected override Task<StorageOptions> CreateStorageAsync() => Task.FromResult(new StorageOptions().UseSqlite(_file.ConnectionString));

    protected override Task DropAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The grain persistence contract on a real PostgreSQL server, in a fresh database per test.</summary>
public sealed class PostgresGrainPersistenceTests : GrainPersistenceContractTests
{
    private readonly WaDispatch.Testing.ThrowawayPostgres _database = new();

    protected override Task<StorageOptions> CreateStorageAsync()
    {
        Assert.SkipWhen(WaDispatch.Testing.TestPostgres.SkipReason is not null, WaDispatch.Testing.TestPostgres.SkipReason ?? string.Empty);
        return _database.CreateAsync();
    }

    protected override Task DropAsync() => _database.DropAsync();
}
