using Xunit;

namespace WaDispatch.Load.Tests;

/// <summary>The front-door scenario's account of where WaDispatch's share of each answer went (issue 22, goal 3).</summary>
public sealed class PhasesTests
{
    [Fact]
    public void AServerTimingHeader_GivesEachEntrysDuration_ByName()
    {
        var timings = Phases.Parse("upstream;dur=2.5, accept;desc=\"ledger\";dur=0.4,total;dur=7, cache");

        Assert.Equal(new Dictionary<string, double> { ["upstream"] = 2.5, ["accept"] = 0.4, ["total"] = 7 }, timings);
    }

    [Fact]
    public void TheSlowestShare_IsTheAnswersWithTheMostOfWaDispatchsTime_AndTheRestIsDerived()
    {
        var phases = new Phases();
        for (var i = 1; i <= 99; i++)
        {
            // WaDispatch's share 3 ms: the silo's steps (1 ms) and 2 ms around them, half of it the harness starting late.
            phases.Record(TimeSpan.FromMilliseconds(3), Timings(accept: 0.2, admit: 0.3, lane: 0.1, ledger: 0.3, total: 5), TimeSpan.FromMilliseconds(1));
        }

        // One slow answer: its acceptance waited 20 ms.
        phases.Record(TimeSpan.FromMilliseconds(23), Timings(accept: 20.2, admit: 0.3, lane: 0.1, ledger: 0.3, total: 25), TimeSpan.FromMilliseconds(1));

        var means = phases.Means(0.01).ToDictionary(p => p.Name);
        Assert.Equal(Phases.Names, means.Keys);
        Assert.Equal(20.2, means["accept"].Slowest.TotalMilliseconds, 3);
        Assert.Equal(0.4, means["accept"].All.TotalMilliseconds, 3);
        Assert.Equal(0.1, means["silo, other"].Slowest.TotalMilliseconds, 3);
        Assert.Equal(1, means["harness late"].All.TotalMilliseconds, 3);
        Assert.Equal(1, means["outside the silo"].Slowest.TotalMilliseconds, 3);
        Assert.Equal(1, means["outside the silo"].All.TotalMilliseconds, 3);
    }

    private static Dictionary<string, double> Timings(double accept, double admit, double lane, double ledger, double total) => new()
    {
        ["upstream"] = 4,
        ["accept"] = accept,
        ["admit"] = admit,
        ["lane"] = lane,
        ["ledger"] = ledger,
        ["total"] = total,
    };
}
