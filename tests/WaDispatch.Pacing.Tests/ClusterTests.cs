using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Silo.Tests;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Pacing.Tests;

/// <summary>
/// Three silo processes on one PostgreSQL (Orleans:Membership=AdoNet) and two campaigns at 250 mps, all requests and
/// webhooks through one silo while Orleans places the lanes, recipients and campaigns across all three: both campaigns
/// complete, every recipient reached once, and each number's pace held (one lane per number across the cluster: two
/// would double the rate and Meta would refuse the excess).
/// </summary>
public sealed class ClusterTests
{
    private const string Secret = "cluster-test-app-secret";
    private const int Tier = 250;
    private const int AudiencePerNumber = 3000;
    private static readonly string[] Numbers = ["106540352243001", "106540352243002"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeSilos_OnOnePostgreSql_FinishTwoCampaigns_EachRecipientOnce_AtTheirTiers()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        var database = await TestPostgres.CreateDatabaseAsync();
        var silos = new SiloProcess?[3];
        try
        {
            await using var simulator = await SimulatorServer.StartAsync(o =>
            {
                o.AppSecret = Secret;
                o.SentDelay = TimeSpan.FromMilliseconds(20);
                o.DeliveredDelay = TimeSpan.FromMilliseconds(40);
                o.ReadDelay = TimeSpan.FromMilliseconds(60);
            });
            var meta = simulator.Services.GetRequiredService<CloudApiSimulator>();
            string[] settings = [.. SiloProcess.ClusterSettings(database, simulator.Address, Secret), "--Budgets:DefaultTier", "TIER_10K"];

            // Silo 0 takes the test's requests and Meta's webhooks.
            for (var i = 0; i < silos.Length; i++)
            {
                silos[i] = await SiloProcess.StartAsync(settings);
            }

            simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = new Uri(silos[0]!.Address, "webhooks/whatsapp");
            using var client = new HttpClient { BaseAddress = silos[0]!.Address };
            var campaigns = new List<string>();
            foreach (var number in Numbers)
            {
                meta.SetMessagesPerSecond(number, Tier);
                (await client.PutAsJsonAsync($"v1/phone-numbers/{number}", new { throughput_mps = Tier }, Ct)).EnsureSuccessStatusCode();
                var audience = Enumerable.Range(0, AudiencePerNumber).Select(i => new { to = $"+1{number[^1]}655{i:D6}" });
                var created = await client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = number, category = "UTILITY", template = new { name = "hello_world", language = new { code = "en_US" } }, audience }, Ct);
                created.EnsureSuccessStatusCode();
                campaigns.Add((await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!);
            }

            // Both lanes and both campaigns live wherever Orleans placed them; the requests all go to silo 0.
            Assert.Equal(silos.Length, await ActiveSilosAsync(database));

            var counts = new List<JsonElement>();
            foreach (var id in campaigns)
            {
                var campaign = default(JsonElement);
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
                while ((campaign = await client.GetFromJsonAsync<JsonElement>($"v1/campaigns/{id}", Ct)).GetProperty("status").GetString() != "completed")
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{await OpenMessagesAsync(database)}; campaign {id} is still {campaign.GetProperty("status")}: {campaign.GetProperty("counts")}; at Meta {string.Join(", ", Numbers.Select(n => meta.Ledger(n).Count))}");
                    await Task.Delay(250, Ct);
                }

                counts.Add(campaign.GetProperty("counts").Clone());
            }

            var report = new List<string>();
            for (var n = 0; n < Numbers.Length; n++)
            {
                var atMeta = meta.Ledger(Numbers[n]);
                var stats = meta.Stats(Numbers[n]);
                var sent = counts[n].GetProperty("sent").GetInt64();
                var unknown = counts[n].GetProperty("failed").TryGetProperty(UnknownOutcome, out var count) ? count.GetInt64() : 0;
                var throttled = stats.RejectedByCode.GetValueOrDefault("130429");
                var longestPause = atMeta.Zip(atMeta.Skip(1), (a, b) => b.ReceivedAt - a.ReceivedAt).DefaultIfEmpty().Max();
                report.Add($"{Numbers[n]}: {atMeta.Count} at Meta, {sent} sent, {unknown} outcome unknown, {throttled} × 130429, longest pause {longestPause.TotalSeconds:F1} s");

                Assert.Equal(atMeta.Count, atMeta.Select(e => e.WaId).Distinct().Count());
                Assert.Equal((AudiencePerNumber, 0L), (sent, unknown));
                Assert.Equal(AudiencePerNumber, atMeta.Count);
                Assert.True(stats.MaxInSlidingSecond <= Tier, $"{stats.MaxInSlidingSecond} accepted in one sliding second");

                // Two lanes for one number would each pace at the tier: Meta would refuse about half of what they sent. A few
                // refusals are the referee counting arrivals bunched by four processes sharing two cores (0–22 seen).
                Assert.True(throttled < AudiencePerNumber / 20, $"{throttled} sends over the tier refused with 130429: {string.Join("; ", report)}");
            }

            TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, report));
        }
        finally
        {
            foreach (var silo in silos)
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }

            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    private static async Task<string> OpenMessagesAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT status || ' retry=' || retry || ' age~' || age || 's n=' || count(*) FROM (SELECT status, retry_at IS NOT NULL AS retry, ((extract(epoch from now()) * 1000 - updated_at) / 30000)::int * 30 AS age FROM messages WHERE status_rank < 2) m GROUP BY status, retry, age", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return "open: " + string.Join(", ", rows.Take(10)) + "; silos active: " + await ActiveSilosAsync(database);
    }

    private static async Task<long> ActiveSilosAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static string UnknownOutcome => WaDispatch.CloudApi.Errors.ErrorCodes.TransportFailure.ToString(CultureInfo.InvariantCulture);
}
