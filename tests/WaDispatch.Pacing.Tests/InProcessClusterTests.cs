using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Tests;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Pacing.Tests;

/// <summary>
/// Three silos of an Orleans test cluster (<c>Orleans.TestingHost</c>) on one PostgreSQL, the simulator in a process of
/// its own as the referee: a campaign on each of two numbers, 5,000 recipients in all, while one silo is stopped
/// abruptly mid-campaign. Both campaigns complete; no recipient is reached twice; every recipient is sent, or failed
/// "outcome unknown"; and neither number went over its tier in any sliding second at the simulator.
/// </summary>
public sealed class InProcessClusterTests
{
    private const int Tier = 250;
    private const int AudiencePerNumber = 2_500;
    private static readonly string[] Numbers = ["106540352243021", "106540352243022"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoCampaigns_OnThreeSilos_OneKilled_CompleteEachRecipientAtMostOnce_AtTheirTiers()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        var database = await TestPostgres.CreateDatabaseAsync();
        var logs = new ConcurrentQueue<string>();
        try
        {
            await using var simulator = await SimulatorProcess.StartAsync();
            foreach (var number in Numbers)
            {
                await simulator.SetMessagesPerSecondAsync(number, Tier);
            }

            await using var cluster = await GrainHost.StartAsync(
                storage => { storage.Provider = WaDispatch.Storage.StorageProvider.PostgreSql; storage.ConnectionString = database; },
                TimeProvider.System,
                simulator.Address,
                budgets: b => b.DefaultTier = "TIER_10K",
                configure: services => services.AddLogging(logging => logging.AddProvider(new LogCapture(logs))),
                silos: 3);
            Assert.Equal(3, cluster.SiloCount);

            // Requests go to the first silo, which is never the one stopped; Orleans places lanes, campaigns and
            // recipients on all three.
            var campaigns = cluster.ServicesOf(0).GetRequiredService<CampaignService>();
            var ids = new List<string>();
            foreach (var number in Numbers)
            {
                await cluster.Lane(number).SetThroughputAsync(Tier);
                var request = new CampaignRequest(number, """{"name":"hello_world","language":{"code":"en_US"}}""") { Category = "UTILITY" };
                var (created, _, error) = await campaigns.CreateAsync(request, Audience(number), cancellationToken: Ct);
                Assert.True(error is null, error?.ToString());
                ids.Add(created!.Id);
            }

            // Stopped once two fifths of the recipients are at Meta: mid-campaign, with sends queued and upstream.
            await Eventually.UntilAsync(async () => await AcceptedAsync(simulator) >= 2 * Numbers.Length * AudiencePerNumber / 5, TimeSpan.FromMinutes(2));
            var victim = 1 + Random.Shared.Next(2);
            await cluster.KillSiloAsync(victim);

            var views = new List<CampaignView>();
            foreach (var id in ids)
            {
                var view = await campaigns.GetAsync(id, Ct);
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
                while (view!.Status != CampaignStatus.Completed)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"campaign {id} is still {view.Status} ({view.Counts.Sent} sent, {view.Counts.Pending} pending); {await OpenMessagesAsync(database)}; silo {victim} stopped; the silos' warnings: {KeepLogs(logs)}");
                    await Task.Delay(250, Ct);
                    view = await campaigns.GetAsync(id, Ct);
                }

                views.Add(view);
            }

            var report = new List<string>();
            for (var n = 0; n < Numbers.Length; n++)
            {
                var ledger = await simulator.LedgerAsync(Numbers[n]);
                var stats = await simulator.StatsAsync(Numbers[n]);
                var counts = views[n].Counts;
                var unknown = counts.Failed.GetValueOrDefault(WaDispatch.CloudApi.Errors.ErrorCodes.TransportFailure.ToString(CultureInfo.InvariantCulture));
                var throttled = stats.GetProperty("rejected_by_code").TryGetProperty("130429", out var refused) ? refused.GetInt64() : 0;
                var line = $"{Numbers[n]} (silo {victim} stopped): {ledger.Count} at Meta, {counts.Sent} sent, failed {string.Join(", ", counts.Failed.Select(f => $"{f.Key}={f.Value}"))}, {throttled} × 130429, most in a sliding second {stats.GetProperty("max_in_sliding_second")}";
                report.Add(line);

                Assert.True(ledger.Count == ledger.Select(e => e.WaId).Distinct().Count(), line);
                Assert.True(counts.Sent + unknown == AudiencePerNumber && counts.Failed.Values.Sum() == unknown, line);
                Assert.True(ledger.Count >= counts.Sent && ledger.Count <= AudiencePerNumber, line);
                Assert.True(stats.GetProperty("max_in_sliding_second").GetInt32() <= Tier, line);
                Assert.True(throttled < AudiencePerNumber / 20, line);
            }

            TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, report));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    /// <summary>The open messages in the ledger by status and whether a retry time is set, for a failure message.</summary>
    private static async Task<string> OpenMessagesAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT status || ' retry=' || (retry_at IS NOT NULL) || ' n=' || count(*) FROM messages WHERE status_rank < 2 GROUP BY status, retry_at IS NOT NULL", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return "open in the ledger: " + string.Join(", ", rows);
    }

    /// <summary>Writes the silos' warnings and errors to a file and names it.</summary>
    private static string KeepLogs(ConcurrentQueue<string> logs)
    {
        var path = Path.Combine(Path.GetTempPath(), $"wadispatch-in-process-cluster-{DateTime.UtcNow:yyyyMMddHHmmss}.log");
        File.WriteAllLines(path, logs.Where(l => l.Contains(" Warning ", StringComparison.Ordinal) || l.Contains(" Error ", StringComparison.Ordinal) || l.Contains(" Critical ", StringComparison.Ordinal)));
        return path;
    }

    private static async IAsyncEnumerable<AudienceEntry> Audience(string number)
    {
        for (var i = 0; i < AudiencePerNumber; i++)
        {
            yield return new AudienceEntry($"+1{number[^2..]}655{i:D6}", new Dictionary<string, string>());
        }

        await Task.CompletedTask;
    }

    private static async Task<long> AcceptedAsync(SimulatorProcess simulator)
    {
        var total = 0L;
        foreach (var number in Numbers)
        {
            total += (await simulator.StatsAsync(number)).GetProperty("accepted_total").GetInt64();
        }

        return total;
    }
}
