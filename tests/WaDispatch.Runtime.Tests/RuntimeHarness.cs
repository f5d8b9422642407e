using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WaDispatch.Runtime.Hosting;
using WaDispatch.Runtime.Persistence;
using WaDispatch.Runtime.Tests.Grains;
using WaDispatch.Testing;

namespace WaDispatch.Runtime.Tests;

/// <summary>A started runtime with real SQLite storage, the counter grains and a manual clock.</summary>
public sealed class RuntimeHarness : IAsyncDisposable
{
    private readonly TempSqliteFile _file = new();
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;
    private bool _stopped;

    private RuntimeHarness(Action<GrainRuntimeOptions>? configure, TimeSpan? shortLivedAge)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Probe);
        services.AddWaDispatchStorage(o => o.UseSqlite(_file.ConnectionString));
        var grains = services.AddGrainRuntime(configure);
        grains.AddGrain<ICounterGrain, CounterGrain>(Create, o => o.Name = "counter");
        grains.AddGrain<IShortLivedCounterGrain, CounterGrain>(Create, o =>
        {
            o.Name = "short-lived-counter";
            o.CollectionAge = shortLivedAge;
        });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _hosted = [.. _services.GetServices<IHostedService>()];
        Runtime = _services.GetRequiredService<GrainRuntime>();
        Storage = _services.GetRequiredService<IGrainStorage>();
    }

    public ManualTimeProvider Time { get; } = new();

    public GrainProbe Probe { get; } = new();

    public GrainRuntime Runtime { get; }

    public IGrainFactory Grains => Runtime;

    public IGrainStorage Storage { get; }

    public static async Task<RuntimeHarness> StartAsync(Action<GrainRuntimeOptions>? configure = null, TimeSpan? shortLivedAge = null)
    {
        var harness = new RuntimeHarness(configure, shortLivedAge);
        foreach (var service in harness._hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return harness;
    }

    public GrainReference<ICounterGrain> Counter(string key) => Grains.GetGrain<ICounterGrain>(key);

    public async Task<int?> StoredCountAsync(string key, string grainType = "counter")
    {
        var stored = await Storage.ReadAsync(new GrainStateId(grainType, key, "state"), CancellationToken.None);
        return stored.Payload is null
            ? null
            : System.Text.Json.JsonSerializer.Deserialize(stored.Payload, TestJsonContext.Default.CounterState)!.Count;
    }

    /// <summary>
    /// Stops like a host does, bounded like a host's shutdown timeout, so that a test that failed with a
    /// turn still blocked reports its failure instead of hanging the run.
    /// </summary>
    public async Task StopAsync()
    {
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }

        await _services.DisposeAsync();
        _file.Dispose();
    }

    private static CounterGrain Create(GrainActivationContext context) => new(
        context.GetPersistentState("state", TestJsonContext.Default.CounterState),
        context.Services.GetRequiredService<GrainProbe>());
}
