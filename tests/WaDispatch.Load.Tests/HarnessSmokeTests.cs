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
        var scenario = Scenario.Smoke(TimeSpan.FromSeconds(2)) with { Webhooks = false };
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
        Assert.Contains(statuses, s => s.Contains("accepted by the referee", StringComparison.Ordinal));
        foreach (var file in new[] { "report.md", "numbers.csv", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(folder.FullName, file)), file);
        }

        Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder.FullName, "report.html")), StringComparison.Ordinal);
        Assert.Equal(scenario.Numbers.Count + 1, File.ReadAllLines(Path.Combine(folder.FullName, "numbers.csv")).Length);
        reports.Delete(recursive: true);
    }
}
