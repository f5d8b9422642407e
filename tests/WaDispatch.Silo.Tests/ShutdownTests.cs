using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>A real silo process stopped by SIGTERM in the middle of a campaign, then started again.</summary>
public sealed class ShutdownTests
{
    private const string Number = "106540352242922";
    private const string Secret = "shutdown-secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASigtermMidCampaign_AndARestart_ReachEveryRecipientExactlyOnce()
    {
        using var file = new TempSqliteFile();
        await using var simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = Secret;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        var meta = simulator.Services.GetRequiredService<CloudApiSimulator>();
        string[] settings = ["--Storage:ConnectionString", file.ConnectionString, "--Simulator:Enabled", "false", "--CloudApi:BaseAddress", simulator.Address.ToString(), "--Webhooks:AppSecret", Secret, "--Budgets:DefaultTier", "TIER_1K"];

        string campaignId;
        int exitCode;
        int sentBeforeStop;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = Client(silo, simulator);
            (await client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 40 }, Ct)).EnsureSuccessStatusCode();
            var audience = Enumerable.Range(0, 300).Select(i => new { to = $"+1650558{i:D4}" });
            var created = await client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, category = "UTILITY", template = new { name = "hello_world", language = new { code = "en_US" } }, audience }, Ct);
            campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
            await Eventually.UntilAsync(() => meta.Ledger(Number).Count >= 40, TimeSpan.FromSeconds(30));

            exitCode = await silo.TerminateAsync(TimeSpan.FromSeconds(60));
            sentBeforeStop = meta.Ledger(Number).Count;
        }

        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = Client(silo, simulator);
            (await client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 1000 }, Ct)).EnsureSuccessStatusCode();
            var campaign = default(JsonElement);
            await Eventually.UntilAsync(async () => (campaign = await client.GetFromJsonAsync<JsonElement>($"v1/campaigns/{campaignId}", Ct)).GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(60));

            Assert.Equal(0, exitCode);
            Assert.True(sentBeforeStop < 300, "the SIGTERM came mid-campaign");
            Assert.True(campaign.GetProperty("status").GetString() == "completed", campaign.GetProperty("counts").ToString());
            Assert.Equal(300, campaign.GetProperty("counts").GetProperty("sent").GetInt64());
            Assert.Equal(300, meta.Ledger(Number).Count);
            Assert.Equal(300, meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());
        }
    }

    private static HttpClient Client(SiloProcess silo, KestrelApp simulator)
    {
        simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = new Uri(silo.Address, "webhooks/whatsapp");
        return new HttpClient { BaseAddress = silo.Address };
    }
}
