using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Runtime;
using WaDispatch.Storage;

namespace WaDispatch.Grains.Tests;

/// <summary>The domain grains on a started runtime, with real storage and the Graph API client pointed at a simulator.</summary>
public sealed class GrainHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;
    private bool _stopped;

    private GrainHost(ServiceProvider services)
    {
        _services = services;
        _hosted = [.. services.GetServices<IHostedService>()];
    }

    public IGrainFactory Grains => _services.GetRequiredService<WaDispatch.Runtime.Hosting.GrainRuntime>();

    public IServiceProvider Services => _services;

    public static async Task<GrainHost> StartAsync(
        Action<StorageOptions> storage,
        TimeProvider time,
        Uri? upstream = null,
        Action<LaneOptions>? lanes = null,
        Action<BudgetOptions>? budgets = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddWaDispatchStorage(storage);
        services.AddCloudApiClient(o =>
        {
            o.BaseAddress = upstream ?? new Uri("http://127.0.0.1:9/");
            o.AccessToken = "simulator-token";
        });
        services.AddGrainRuntime().AddWaDispatchGrains();
        services.Configure(lanes ?? (_ => { }));
        services.Configure(budgets ?? (_ => { }));
        var host = new GrainHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        foreach (var service in host._hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return host;
    }

    public GrainReference<IPhoneNumberGrain> Lane(string phoneNumberId) => Grains.GetGrain<IPhoneNumberGrain>(phoneNumberId);

    public GrainReference<IBusinessGrain> Business(string businessId) => Grains.GetGrain<IBusinessGrain>(businessId);

    /// <summary>Stops like a host does (deactivating every grain), bounded so that a broken test cannot hang the run.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
    }
}
