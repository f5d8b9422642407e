using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// A real silo process stopped in the middle of a campaign — by SIGTERM, or killed outright — then started again on the
/// same database and the same address (as a restarted service keeps its webhook URL).
/// </summary>
public sealed class ShutdownTests
{
    private const string Number = "106540352242922";
    private const string Secret = "shutdown-secret";
    private const int Audience = 300;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASigtermMidCampaign_AndARestart_ReachEveryRecipientExactlyOnce()
    {
        using var file = new TempSqliteFile();
        var run = await RunAsync(["--Storage:ConnectionString", file.ConnectionString], kill: false);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Audience, run.Counts.GetProperty("sent").GetInt64());
        Assert.Equal(Audience, run.AtMeta.Count);
        Assert.Equal(Audience, run.AtMeta.Distinct().Count());
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task AKilledSiloMidCampaign_AndARestart_ReachEveryRecipientAtMostOnce_CountingTheOutcomesItCouldNotKnow(string provider)
    {
        using var file = new TempSqliteFile();
        string? database = null;
        if (provider == "PostgreSql")
        {
            if (TestPostgres.SkipReason is { } reason)
            {
                Assert.Skip(reason);
            }

            database = await TestPostgres.CreateDatabaseAsync();
        }

        try
        {
            var run = await RunAsync(["--Storage:Provider", provider, "--Storage:ConnectionString", database ?? file.ConnectionString], kill: true);

            // Sent to Meta at most once each. A send the kill caught on its way is not sent again: it ends failed with its
            // outcome unknown (its status webhooks move it on if Meta had it), so only those may be missing at Meta.
            var sent = run.Counts.GetProperty("sent").GetInt64();
            var unknown = run.Counts.GetProperty("failed").TryGetProperty(ErrorCodesTransportFailure, out var count) ? count.GetInt64() : 0;
            Assert.Equal(run.AtMeta.Count, run.AtMeta.Distinct().Count());
            Assert.Equal(Audience, sent + unknown);
            Assert.InRange(run.AtMeta.Count, sent, Audience);
            Assert.True(Audience - run.AtMeta.Count <= unknown, $"{Audience - run.AtMeta.Count} recipients never reached Meta, but only {unknown} sends had an unknown outcome: {run.Counts}");
            TestContext.Current.TestOutputHelper?.WriteLine($"killed after {run.SentBeforeStop} at Meta; {unknown} outcomes unknown; counts {run.Counts}");
        }
        finally
        {
            if (database is not null)
            {
                await TestPostgres.DropDatabaseAsync(database);
            }
        }
    }

    private static string ErrorCodesTransportFailure => WaDispatch.CloudApi.Errors.ErrorCodes.TransportFailure.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts a campaign at 40 mps, stops the silo once 40 reached Meta, starts it again and waits for the campaign to complete.</summary>
    private static async Task<(int ExitCode, int SentBeforeStop, JsonElement Counts, List<string> AtMeta)> RunAsync(string[] storage, bool kill)
    {
        await using var simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = Secret;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        var meta = simulator.Services.GetRequiredService<CloudApiSimulator>();
        var port = KestrelApp.FreePort().ToString(CultureInfo.InvariantCulture);
        string[] settings = [.. storage, "--urls", $"http://127.0.0.1:{port}", "--Simulator:Enabled", "false", "--CloudApi:BaseAddress", simulator.Address.ToString(), "--Webhooks:AppSecret", Secret, "--Budgets:DefaultTier", "TIER_1K"];

        string campaignId;
        var exitCode = -1;
        int sentBeforeStop;
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = Client(silo, simulator);
            (await client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 40 }, Ct)).EnsureSuccessStatusCode();
            var audience = Enumerable.Range(0, Audience).Select(i => new { to = $"+1650558{i:D4}" });
            var created = await client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, category = "UTILITY", template = new { name = "hello_world", language = new { code = "en_US" } }, audience }, Ct);
            campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
            await Eventually.UntilAsync(() => meta.Ledger(Number).Count >= 40, TimeSpan.FromSeconds(30));

            if (kill)
            {
                await silo.KillAsync();
            }
            else
            {
                exitCode = await silo.TerminateAsync(TimeSpan.FromSeconds(60));
            }

            sentBeforeStop = meta.Ledger(Number).Count;
        }

        Assert.True(sentBeforeStop < Audience, "the stop came mid-campaign");
        await using (var silo = await SiloProcess.StartAsync(settings))
        {
            using var client = Client(silo, simulator);
            (await client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 1000 }, Ct)).EnsureSuccessStatusCode();
            var campaign = default(JsonElement);
            await Eventually.UntilAsync(async () => (campaign = await client.GetFromJsonAsync<JsonElement>($"v1/campaigns/{campaignId}", Ct)).GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(60));
            return (exitCode, sentBeforeStop, campaign.GetProperty("counts").Clone(), [.. meta.Ledger(Number).Select(e => e.WaId)]);
        }
    }

    private static HttpClient Client(SiloProcess silo, KestrelApp simulator)
    {
        simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = new Uri(silo.Address, "webhooks/whatsapp");
        return new HttpClient { BaseAddress = silo.Address };
    }
}
