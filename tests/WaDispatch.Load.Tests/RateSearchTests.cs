using Xunit;

namespace WaDispatch.Load.Tests;

/// <summary>
/// The search for the highest share of the sustained tiers that holds (issue 22, goal 5), against a rule of which
/// shares hold: it tries the full tiers first, then halves between what held and what missed.
/// </summary>
public sealed class RateSearchTests
{
    [Fact]
    public async Task WhenTheFullTiersMiss_ItSettlesWithinOneHalvingOfTheHighestShareThatHolds()
    {
        var runs = await RateSearch.FindAsync(share => Task.FromResult((share <= 0.3, share)), probes: 6);

        Assert.Equal([1.0, 0.5, 0.25, 0.375, 0.3125, 0.28125, 0.296875], runs.Select(r => r.Share));
        var best = runs.Where(r => r.Held).Max(r => r.Share);
        Assert.InRange(best, 0.3 - (1.0 / 64), 0.3);
    }

    [Fact]
    public async Task WhenTheFullTiersHold_ItRunsNothingElse()
    {
        var runs = await RateSearch.FindAsync(share => Task.FromResult((true, share)), probes: 6);

        Assert.Equal([1.0], runs.Select(r => r.Share));
    }

    [Fact]
    public async Task WhenNothingHolds_EveryProbeMisses_AndTheLowestShareTriedIsOneIn2ToTheProbes()
    {
        var runs = await RateSearch.FindAsync(share => Task.FromResult((false, share)), probes: 4);

        Assert.All(runs, r => Assert.False(r.Held));
        Assert.Equal(1.0 / 16, runs.Min(r => r.Share));
    }

    [Fact]
    public void AShareOfTheSustainedTiers_ScalesEveryTier_AndKeepsAtLeastOneMessageASecond()
    {
        var full = Scenario.Sustained(TimeSpan.FromSeconds(20));
        var quarter = Scenario.Sustained(TimeSpan.FromSeconds(20), 0.25);
        var tiny = Scenario.Sustained(TimeSpan.FromSeconds(20), 0.001);

        Assert.Equal(8_720, full.Numbers.Sum(n => n.TierMps));
        Assert.Equal(full.Numbers.Select(n => n.PhoneNumberId), quarter.Numbers.Select(n => n.PhoneNumberId));
        Assert.Equal([20, 62, 88, 125, 250], quarter.Numbers.Select(n => n.TierMps).Distinct());
        Assert.All(tiny.Numbers, n => Assert.Equal(1, n.TierMps));
    }
}
