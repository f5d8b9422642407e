using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using WaDispatch.Silo.Tests;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Pacing.Tests;

/// <summary>
/// Three silo processes on one PostgreSQL and the simulator in a process of its own as the referee; a 20,000-recipient
/// campaign at 250 mps while one of the silos is killed (<c>kill -9</c>) three times at random moments and restarted each
/// time. The campaign completes; no recipient is reached twice; every recipient is sent, or failed "outcome unknown"
/// because its send was upstream when its silo died; and Meta never accepted more than the tier in a sliding second.
/// </summary>
public sealed class ClusterKillTests
{
    private const string Secret = "cluster-kill-test-app-secret";
    private const string Number = "106540352243010";
    private const int Tier = 250;
    private const int Audience = 20_000;
    private const int Kills = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACampaign_SurvivesThreeSiloKills_EachRecipientAtMostOnce_NeverOverTheTier()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        var database = await TestPostgres.CreateDatabaseAsync();
        var silos = new SiloProcess?[3];
        var seed = Environment.TickCount;
        var random = new Random(seed);
        try
        {
            // Silo 0 takes the test's requests and Meta's webhooks and is never killed; Orleans places the lane, the
            // campaign and the recipients across all three, so a kill of silo 1 or 2 takes some of them with it.
            var webhookPort = KestrelApp.FreePort();
            await using var simulator = await SimulatorProcess.StartAsync(
                "--Simulator:AppSecret", Secret,
                "--Simulator:WebhookUrl", $"http://127.0.0.1:{webhookPort}/webhooks/whatsapp",
                "--Simulator:SentDelay", "00:00:00.050",
                "--Simulator:DeliveredDelay", "00:00:00.100",
                "--Simulator:ReadDelay", "00:00:00.200");
            await simulator.SetMessagesPerSecondAsync(Number, Tier);
            string[] settings = [.. SiloProcess.ClusterSettings(database, simulator.Address, Secret), "--Budgets:DefaultTier", "TIER_100K", "--Logging:LogLevel:WaDispatch", "Information", "--Logging:LogLevel:WaDispatch.Grains.Hosting", "Debug"];
            silos[0] = await SiloProcess.StartAsync([.. settings, "--urls", $"http://127.0.0.1:{webhookPort}"]);
            for (var i = 1; i < silos.Length; i++)
            {
                silos[i] = await SiloProcess.StartAsync(settings);
            }

            using var client = new HttpClient { BaseAddress = silos[0]!.Address };
            (await client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = Tier }, Ct)).EnsureSuccessStatusCode();
            var audience = Enumerable.Range(0, Audience).Select(i => new { to = $"+1655{i:D7}" });
            var created = await client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, category = "UTILITY", template = new { name = "hello_world", language = new { code = "en_US" } }, audience }, Ct);
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

            var kills = new List<(int Silo, DateTimeOffset At)>();
            for (var k = 0; k < Kills; k++)
            {
                // Somewhere in each of three stretches of the campaign: 15–35 %, 40–60 %, 65–85 % of the audience at Meta.
                var at = (long)(Audience * (0.15 + (0.25 * k) + (0.2 * random.NextDouble())));
                await Eventually.UntilAsync(async () => (await simulator.StatsAsync(Number)).GetProperty("accepted_total").GetInt64() >= at, TimeSpan.FromMinutes(3));
                var victim = 1 + random.Next(silos.Length - 1);
                await silos[victim]!.KillAsync();
                kills.Add((victim, DateTimeOffset.UtcNow));
                await silos[victim]!.DisposeAsync();
                silos[victim] = null;

                // Restarted as an orchestrator would, after a moment; the next kill waits until the cluster has all three again.
                await Task.Delay(TimeSpan.FromMilliseconds(500 + random.Next(2000)), Ct);
                silos[victim] = await SiloProcess.StartAsync(settings);
                await Eventually.UntilAsync(async () => await ActiveSilosAsync(database) == silos.Length, TimeSpan.FromMinutes(1));
            }

            var campaign = default(JsonElement);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while ((campaign = await client.GetFromJsonAsync<JsonElement>($"v1/campaigns/{id}", Ct)).GetProperty("status").GetString() != "completed")
            {
                Assert.True(DateTime.UtcNow < deadline, $"seed {seed}: campaign {id} is still {campaign.GetProperty("status")}: {campaign.GetProperty("counts")}; at Meta {(await simulator.StatsAsync(Number)).GetProperty("accepted_total")}; the lane: {await client.GetStringAsync($"v1/phone-numbers/{Number}", Ct)}; {await OpenMessagesAsync(database)}");
                await Task.Delay(250, Ct);
            }

            var counts = campaign.GetProperty("counts");
            var ledger = await simulator.LedgerAsync(Number);
            var stats = await simulator.StatsAsync(Number);
            var sent = counts.GetProperty("sent").GetInt64();
            var failed = counts.GetProperty("failed").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            var unknown = failed.GetValueOrDefault(ErrorCodes(WaDispatch.CloudApi.Errors.ErrorCodes.TransportFailure));
            var throttled = stats.GetProperty("rejected_by_code").TryGetProperty("130429", out var refused) ? refused.GetInt64() : 0;
            var report = $"seed {seed}: {ledger.Count} at Meta, {sent} sent, failed {JsonSerializer.Serialize(failed)}, {throttled} × 130429, most in a sliding second {stats.GetProperty("max_in_sliding_second")}; "
                + string.Join("; ", kills.Select((kill, n) => $"kill {n + 1} (silo {kill.Silo}): {Resumed(ledger, kill.At, n + 1 < kills.Count ? kills[n + 1].At : null)}"));
            TestContext.Current.TestOutputHelper?.WriteLine(report);

            // Exactly once: no recipient twice at Meta, and every recipient either sent or failed "outcome unknown" (it was
            // upstream when its silo died, and Meta has no idempotency key, so it is never sent again).
            Assert.True(ledger.Count == ledger.Select(e => e.WaId).Distinct().Count(), report);
            Assert.True(sent + unknown == Audience && failed.Values.Sum() == unknown, report);
            Assert.True(ledger.Count >= sent && ledger.Count <= Audience, report);

            // Never over the tier: the referee accepted at most the tier in any sliding second, and refused little (two
            // lanes for the number, each pacing at the tier, would have half their sends refused).
            Assert.True(stats.GetProperty("max_in_sliding_second").GetInt32() <= Tier, report);
            Assert.True(throttled < Audience / 20, report);
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

    /// <summary>
    /// The longest pause in Meta's arrivals after a kill: from the kill until the next one, and at most 30 s (the
    /// restart and the rejoin included; later pauses are the campaign's tail waiting out a deferral).
    /// </summary>
    private static string Resumed(List<(string WaId, DateTimeOffset ReceivedAt)> ledger, DateTimeOffset killedAt, DateTimeOffset? nextKill)
    {
        var until = nextKill is { } next && next < killedAt + TimeSpan.FromSeconds(30) ? next : killedAt + TimeSpan.FromSeconds(30);
        var after = ledger.Where(e => e.ReceivedAt >= killedAt - TimeSpan.FromSeconds(1) && e.ReceivedAt <= until).Select(e => e.ReceivedAt).ToList();
        if (after.Count < 2)
        {
            return "no sends after it";
        }

        var (from, to) = after.Zip(after.Skip(1)).MaxBy(pair => pair.Second - pair.First);
        return to - from < TimeSpan.FromSeconds(1)
            ? $"sending never paused (longest gap {(to - from).TotalMilliseconds:F0} ms)"
            : $"longest pause {(to - from).TotalSeconds:F1} s, from {(from - killedAt).TotalSeconds:F1} s to {(to - killedAt).TotalSeconds:F1} s after the kill";
    }

    /// <summary>The open messages in the ledger by status and retry time, for a failure message.</summary>
    private static async Task<string> OpenMessagesAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT s || ': ' || count(*) FROM (SELECT status || ' retry in ' || coalesce((round((retry_at - extract(epoch from now()) * 1000) / 10000) * 10)::text, '-') || ' s, updated ' || (round((extract(epoch from now()) * 1000 - updated_at) / 10000) * 10) || ' s ago' AS s FROM messages WHERE status_rank < 2) m GROUP BY s ORDER BY s LIMIT 20", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return "open in the ledger: " + string.Join(", ", rows);
    }

    private static string ErrorCodes(int code) => code.ToString(CultureInfo.InvariantCulture);

    private static async Task<long> ActiveSilosAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
