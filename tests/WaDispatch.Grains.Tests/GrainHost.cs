using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Storage;

namespace WaDispatch.Grains.Tests;

/// <summary>
/// WaDispatch's grains on a one-silo Orleans test cluster (<see cref="InProcessTestCluster"/>), with the real
/// persistence provider on real storage and the Graph API client pointed at a simulator. Grain calls go through the
/// cluster's client, so every argument and answer crosses Orleans' serializers as it does in production.
/// </summary>
public sealed class GrainHost : IAsyncDisposable
{
    /// <summary>The service id every test cluster shares, so that a cluster started again on the same storage finds its state.</summary>
    public const string ServiceId = "wadispatch-tests";

    private readonly InProcessTestCluster _cluster;
    private bool _stopped;

    private GrainHost(InProcessTestCluster cluster) => _cluster = cluster;

    /// <summary>The cluster's client: calls made as the front door's callers make them.</summary>
    public IGrainFactory Grains => _cluster.Client;

    /// <summary>The silo's services (the message service, the ledger, options).</summary>
    public IServiceProvider Services => _cluster.GetSiloServiceProvider();

    /// <summary>
    /// Starts a silo on <paramref name="storage"/>. A <paramref name="time"/> other than the system clock drives the
    /// grains' clock and timers; Orleans' own background work stays on real time (its membership, messaging and
    /// collection must not wait for a test to advance a fake clock).
    /// </summary>
    public static async Task<GrainHost> StartAsync(
        Action<StorageOptions> storage,
        TimeProvider time,
        Uri? upstream = null,
        Action<LaneOptions>? lanes = null,
        Action<BudgetOptions>? budgets = null,
        Action<IServiceCollection>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            var services = host.Services;
            services.AddSingleton(time);
            if (time != TimeProvider.System)
            {
                services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            }

            services.AddWaDispatchStorage(storage);
            services.AddCloudApiClient(o =>
            {
                o.BaseAddress = upstream ?? new Uri("http://127.0.0.1:9/");
                o.AccessToken = "simulator-token";
            });
            services.Configure(lanes ?? (_ => { }));
            services.Configure(budgets ?? (_ => { }));
            configure?.Invoke(services);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseInMemoryReminderService();
            silo.AddWaDispatch();
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddWaDispatchContracts()));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new GrainHost(cluster);
    }

    public IPhoneNumberGrain Lane(string phoneNumberId) => Grains.GetGrain<IPhoneNumberGrain>(phoneNumberId);

    public IBusinessGrain Business(string businessId) => Grains.GetGrain<IBusinessGrain>(businessId);

    /// <summary>Stops the silo as a host does (deactivating every grain), bounded so that a broken test cannot hang the run.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _cluster.StopSilosAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _cluster.DisposeAsync();
    }
}
