using Xunit;

namespace WaDispatch.Load.Tests;

/// <summary>
/// The harness works end to end: a short scenario against a real silo and simulator in processes of their
/// own, every message accounted for by the referee, the reports written, the thresholds applied. The full
/// scenarios and their figures are run by hand (README).
/// </summary>
public sealed class HarnessSmokeTests
{
    [Fact]
    public async Task AShortRun_AccountsForEveryMessage_WritesItsReports_AndJudgesItsThresholds()
    {
        // With a live console open on the silo all along (the backlog takes three seconds or more to send at its tiers).
        var scenario = Scenario.Smoke(TimeSpan.FromSeconds(2)) with { Webhooks = false, ConsoleWatchers = 1 };
        var statuses = new List<string>();

        var result = await new LoadRunner(statuses.Add).RunAsync(scenario, TestContext.Current.CancellationToken);
        var reports = Directory.CreateTempSubdirectory("wadispatch-reports-");
        var strict = new Thresholds(MinTierRatio: 2.0, MaxWindowsOverTier: 0, MaxRateLimited: 0).Misses(result);
        var folder = Reports.Write(result, strict, reports);

        Assert.Equal(scenario.Numbers.Select(scenario.Backlog), result.Numbers.Select(n => (int)n.Accepted));
        Assert.All(result.Numbers, n => Assert.InRange(n.FullestSecond, 1, n.TierMps));
        Assert.All(result.Numbers, n => Assert.True(n.SteadyMps > 0 && n.PerSecond.Sum() == n.Accepted));
        Assert.Equal(result.Numbers.Count, strict.Count(m => m.Contains("of its tier", StringComparison.Ordinal)));
        Assert.Empty(new Thresholds(MinTierRatio: 0, MaxWindowsOverTier: int.MaxValue, MaxRateLimited: long.MaxValue).Misses(result));
        Assert.True(result.Admission[0].Value > TimeSpan.Zero && result.SiloCpu > TimeSpan.Zero && result.SiloPeakWorkingSet > 0);
        Assert.True(result.SiloAllocatedBytes > 0, "the silo's heap allocations are read from its /metrics");
        Assert.Contains(statuses, s => s.Contains("accepted by the referee", StringComparison.Ordinal));
        foreach (var file in new[] { "report.md", "numbers.csv", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(folder.FullName, file)), file);
        }

        Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder.FullName, "report.html")), StringComparison.Ordinal);
        Assert.Equal(scenario.Numbers.Count + 1, File.ReadAllLines(Path.Combine(folder.FullName, "numbers.csv")).Length);
        Assert.True(result.ConsoleRefreshes >= 1, $"{result.ConsoleRefreshes} console refreshes");
        Assert.Contains($"Live consoles open: 1 ({result.ConsoleRefreshes} refreshes", File.ReadAllText(Path.Combine(folder.FullName, "report.md")), StringComparison.Ordinal);
        Assert.Contains("Silo heap allocations from its start: ", File.ReadAllText(Path.Combine(folder.FullName, "report.md")), StringComparison.Ordinal);
        reports.Delete(recursive: true);
    }

    [Fact]
    public async Task WithStatusWebhooks_TheRunReadsTheSilosCpu_OnceEveryStatusHasReachedIt()
    {
        var scenario = Scenario.Smoke(TimeSpan.FromSeconds(1));

        var result = await new LoadRunner(_ => { }).RunAsync(scenario, TestContext.Current.CancellationToken);

        // Sent, delivered and read for every message (read comes a second after the send), each taken and applied by the silo.
        var sent = result.Numbers.Sum(n => n.Accepted);
        Assert.Equal(scenario.Numbers.Sum(scenario.Backlog), sent);
        Assert.Equal(new RefereeWebhooks(3 * sent, 0, 0, 3 * sent), result.RefereeWebhooks);
        Assert.Equal(3 * sent, result.Webhooks?.Applied);

        // The reads came after the last send, so the CPU read once they were applied is more than at the last send.
        Assert.True(result.SiloCpu > result.SiloCpuAtLastSend, $"{result.SiloCpu} after the webhooks, {result.SiloCpuAtLastSend} at the last send");
        var report = Reports.Markdown(result, []);
        Assert.Contains("its status webhooks included", report, StringComparison.Ordinal);
        Assert.Contains("0 given up, 0 still waiting", report, StringComparison.Ordinal);

        // A fresh silo compiles its hot paths under the run's load: the report gives that time apart.
        Assert.True(result.SiloJitTime > TimeSpan.Zero);
        Assert.Contains("The silo's JIT compiled for", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheClusterScenario_RunsItsWorkOnTwoSilos_OnPostgreSql()
    {
        Assert.SkipWhen(WaDispatch.Testing.TestPostgres.SkipReason is not null, WaDispatch.Testing.TestPostgres.SkipReason ?? string.Empty);
        var scenario = Scenario.Cluster(2, WaDispatch.Testing.TestPostgres.ConnectionString!) with { FixedBacklog = 300 };

        var result = await new LoadRunner(_ => { }).RunAsync(scenario, TestContext.Current.CancellationToken);

        // Both silos took batches (every other one) and the work was done once: every message accepted by the referee.
        Assert.Equal(scenario.Numbers.Select(scenario.Backlog), result.Numbers.Select(n => (int)n.Accepted));
        Assert.Empty(result.Errors);
        Assert.True(result.SiloCpu > TimeSpan.Zero && result.SiloPeakWorkingSet > 0);
    }

    [Theory]
    [InlineData(LoadDriver.Embedded, "embedded client")]
    [InlineData(LoadDriver.Grpc, "gRPC front door")]
    public async Task AShortRun_ThroughAnotherDriver_AccountsForEveryMessage(LoadDriver driver, string reported)
    {
        var scenario = Scenario.Smoke(TimeSpan.FromSeconds(2)) with { Driver = driver };

        var result = await new LoadRunner(_ => { }).RunAsync(scenario, TestContext.Current.CancellationToken);

        Assert.Equal(scenario.Numbers.Select(scenario.Backlog), result.Numbers.Select(n => (int)n.Accepted));
        Assert.All(result.Numbers, n => Assert.InRange(n.FullestSecond, 1, n.TierMps));
        Assert.Empty(result.Errors);
        Assert.NotNull(result.Webhooks);
        Assert.True(result.SiloCpu > TimeSpan.Zero && result.SiloPeakWorkingSet > 0, "the driver drives a silo of its own process");
        Assert.Contains(reported, Reports.Markdown(result, []), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAdmissionScenario_HandsTheSameMessagesOverThroughEachDriver()
    {
        var scenario = new AdmissionScenario(3_000, 2, [LoadDriver.Http, LoadDriver.Grpc]) { WarmUp = 1_000 };

        var results = await new AdmissionRunner(_ => { }).RunAsync(scenario, TestContext.Current.CancellationToken);

        Assert.Equal([LoadDriver.Http, LoadDriver.Grpc], results.Select(r => r.Driver));
        Assert.All(results, r => Assert.Equal((3_000, 0), (r.Messages, r.Refused)));
        Assert.All(results, r => Assert.True(r.AcceptedPerSecond > 0 && r.SiloCpu > TimeSpan.Zero && r.Latency[0].Value > TimeSpan.Zero, $"{r.Driver}: {r.AcceptedPerSecond} per second, {r.SiloCpu} CPU"));
    }

    [Fact]
    public async Task TheUploadScenario_CreatesTheSameCampaignThroughEachDriver()
    {
        var results = await new UploadRunner(_ => { }).RunAsync(2_000, [LoadDriver.Http, LoadDriver.Grpc], new Dictionary<string, string>(), TestContext.Current.CancellationToken);

        Assert.Equal([LoadDriver.Http, LoadDriver.Grpc], results.Select(r => r.Driver));
        Assert.All(results, r => Assert.Equal((2_000, 2_000), (r.Rows, r.Recipients)));
        Assert.All(results, r => Assert.True(r.PeakWorkingSet > 0 && r.SiloCpu > TimeSpan.Zero));
    }

    [Theory]
    [InlineData(LoadDriver.Http)]
    [InlineData(LoadDriver.Grpc)]
    public async Task TheFrontDoorScenario_MeasuresEachStep_AndWaDispatchsShareOfTheAnswerTime(LoadDriver driver)
    {
        var scenario = new FrontDoorScenario([new Injection.Constant(40, TimeSpan.FromSeconds(2)), new Injection.Closed(4, TimeSpan.FromSeconds(2))], null, TimeSpan.FromSeconds(1), Numbers: 2)
        {
            Driver = driver,
            Webhooks = false,
            CeilingDuration = TimeSpan.FromSeconds(1),
            CeilingConcurrency = 4,
        };

        var result = await new FrontDoorRunner(_ => { }).RunAsync(scenario, TestContext.Current.CancellationToken);
        var reports = Directory.CreateTempSubdirectory("wadispatch-reports-");
        var folder = Reports.Write(result, new FrontDoorThresholds(TimeSpan.FromMinutes(1), 1).Misses(result), reports);

        Assert.True(result.SimulatorAloneMps > 0);
        Assert.Equal(["open 40 mps", "closed 4"], result.Steps.Select(s => s.Label));
        Assert.All(result.Steps, s => Assert.Empty(s.Errors));
        Assert.InRange(result.Steps[0].AchievedMps, 30, 41);
        Assert.All(result.Steps, s => Assert.True(s.Added[0].Value > TimeSpan.Zero && s.Added[0].Value <= s.Latency[0].Value, $"{s.Label}: WaDispatch's p50 {s.Added[0].Value} of {s.Latency[0].Value}"));
        Assert.NotEmpty(new FrontDoorThresholds(TimeSpan.FromTicks(1), 1).Misses(result));

        // Over HTTP the silo's Server-Timing says where its share went; gRPC's SendNow gives Meta's share only.
        Assert.All(result.Steps, s => Assert.Equal(driver == LoadDriver.Http ? Phases.Names : [], s.Phases.Select(p => p.Name)));
        Assert.All(result.Steps.SelectMany(s => s.Phases).Where(p => p.Name is "accept" or "ledger"), p => Assert.True(p.All > TimeSpan.Zero, $"{p.Name}: {p.All}"));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder.FullName, "report.html")), StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder.FullName, "steps.csv")).Length);
        reports.Delete(recursive: true);
    }

    [Fact]
    public async Task TheCampaignScenario_EndsWithTheExactCounts()
    {
        var scenario = new CampaignScenario(Recipients: 300, OptedOutShare: 0.1, UndeliverableShare: 0.01, TierMps: 250);

        var result = await new CampaignLoad(_ => { }).RunAsync(scenario, TestContext.Current.CancellationToken);

        Assert.Equal("completed", result.Status);
        Assert.Empty(result.CountMismatches);
        Assert.Equal((30, 3, 267), (result.Final["skipped:opted_out"], result.Final["failed:131026"], result.Final["delivered"]));
        Assert.Empty(new CampaignThresholds(long.MaxValue).Misses(result));
        Assert.Single(new CampaignThresholds(1).Misses(result));
    }

    [Fact]
    public void AScenarioFile_FillsTheCommandLine_WhichWinsOverIt()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"scenario": "tiers", "options": {"seconds": 20, "tiers": "80,250", "no-webhooks": true, "silo-setting": ["A:B=1", "C:D=2"]}}""");

        var args = ScenarioFile.Expand(["run", "--file", file, "--seconds", "5"]);

        Assert.Equal(["run", "tiers", "--seconds", "5", "--tiers", "80,250", "--no-webhooks", "--silo-setting", "A:B=1", "--silo-setting", "C:D=2"], args);
        Assert.Equal(["run", "smoke", "--seconds", "5"], ScenarioFile.Expand(["run", "smoke", "--seconds", "5"]));
        File.Delete(file);
    }
}
