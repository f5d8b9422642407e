using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Storage;

namespace WaDispatch.Grains.Tests;

/// <summary>
/// WaDispatch's grains on an Orleans test cluster (<see cref="InProcessTestCluster"/>, one silo unless asked for more),
/// with the real persistence provider on real storage and the Graph API client pointed at a simulator. Grain calls go
/// through the cluster's client, so every argument and answer crosses Orleans' serializers as it does in production.
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

    /// <summary>The first silo's services (the message service, the ledger, options).</summary>
    public IServiceProvider Services => _cluster.GetSiloServiceProvider();

    /// <summary>How many silos are running.</summary>
    public int SiloCount => _cluster.Silos.Count;

    /// <summary>The services of the running silo at <paramref name="index"/> (in the order they started).</summary>
    public IServiceProvider ServicesOf(int index) => _cluster.GetSiloServiceProvider(_cluster.Silos[index].SiloAddress);

    /// <summary>
    /// Stops the running silo at <paramref name="index"/> abruptly (<see cref="InProcessTestCluster.KillSiloAsync"/>): no
    /// grain deactivates, and the others learn of its death from failed probes, as after a crash.
    /// </summary>
    public Task KillSiloAsync(int index) => _cluster.KillSiloAsync(_cluster.Silos[index]);

    /// <summary>
    /// Starts <paramref name="silos"/> silos on <paramref name="storage"/>. A <paramref name="time"/> other than the
    /// system clock drives the grains' clock and timers; Orleans' own background work stays on real time (its membership,
    /// messaging and collection must not wait for a test to advance a fake clock). One silo keeps reminders in memory;
    /// several share them in PostgreSQL (the storage must be PostgreSQL), as a cluster does, and detect a dead silo with
    /// the probe timeout the silo ships with.
    /// </summary>
    public static async Task<GrainHost> StartAsync(
        Action<StorageOptions> storage,
        TimeProvider time,
        Uri? upstream = null,
        Action<LaneOptions>? lanes = null,
        Action<BudgetOptions>? budgets = null,
        Action<IServiceCollection>? configure = null,
        short silos = 1)
    {
        var builder = new InProcessTestClusterBuilder(silos);
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
            if (silos == 1)
            {
                silo.UseInMemoryReminderService();
            }
            else
            {
                silo.UseAdoNetReminderService(options => options.Configure<StorageDatabase>((o, database) =>
                {
                    o.Invariant = database.Provider == StorageProvider.PostgreSql ? "Npgsql" : throw new InvalidOperationException("Several silos share their reminders in PostgreSQL.");
                    o.DataSource = database.DataSource;
                }));
                silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o => o.ProbeTimeout = TimeSpan.FromSeconds(2));
            }

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
