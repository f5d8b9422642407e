using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.Silo.Tests;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Client.Tests;

/// <summary>
/// The embedded client of a cluster: it reads the gateways from the PostgreSQL membership table, and when the silo
/// it talks to is killed it goes on through the other one.
/// </summary>
public sealed class EmbeddedClusterTests
{
    private const string Number = "106540352243101";
    private const string Secret = "embedded-cluster-secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheClient_FindsTheGatewaysInTheMembershipTable_AndKeepsSendingWhenASiloDies()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        var database = await TestPostgres.CreateDatabaseAsync();
        var silos = new List<SiloProcess>();
        try
        {
            await using var simulator = await SimulatorServer.StartAsync(o => o.AppSecret = Secret);
            var meta = simulator.Services.GetRequiredService<CloudApiSimulator>();
            var settings = SiloProcess.ClusterSettings(database, simulator.Address, Secret);
            silos.Add(await SiloProcess.StartAsync(settings));
            silos.Add(await SiloProcess.StartAsync(settings));
            simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = new Uri(silos[0].Address, "webhooks/whatsapp");

            var backend = Host.CreateApplicationBuilder();
            backend.Logging.SetMinimumLevel(LogLevel.Warning);
            backend.Services.AddWaDispatch(o => o.ClusterDatabase = database);
            using var host = backend.Build();
            await host.StartAsync(Ct);
            var dispatcher = host.Services.GetRequiredService<IWaDispatcher>();

            var before = await dispatcher.EnqueueAsync(new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550401")), cancellationToken: Ct);

            await Eventually.UntilAsync(() => meta.Ledger(Number).Count == 1, TimeSpan.FromSeconds(30));

            // Either silo may be the client's; one dies, and the client's calls go to the other once the cluster has
            // declared it dead (a call caught on the dead one fails and is the caller's to retry, as over HTTP).
            await silos[1].KillAsync();
            MessageInfo? after = null;
            await Eventually.UntilAsync(async () =>
            {
                try
                {
                    after = await dispatcher.EnqueueAsync(new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550402")), "after-the-kill", Ct);
                    return true;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60));

            await Eventually.UntilAsync(() => meta.Ledger(Number).Select(e => e.WaId).ToHashSet().SetEquals(["16505550401", "16505550402"]), TimeSpan.FromSeconds(90));
            Assert.Equal(["16505550401", "16505550402"], meta.Ledger(Number).Select(e => e.WaId).Order());
            Assert.NotEqual(before.Id, after!.Id);
            await host.StopAsync(Ct);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            await TestPostgres.DropDatabaseAsync(database);
        }
    }
}
