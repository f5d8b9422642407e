using WaDispatch.Grains.Lanes;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

public sealed class DepartureWindowTests
{
    [Fact]
    public void SendsHeldUpTogether_LeaveNoMoreThanTheCapInAnySlidingSecond()
    {
        // A stall held up sends granted 10 ms apart; when it ends, all of them ask to leave at once.
        var time = new ManualTimeProvider();
        var window = new DepartureWindow(time);
        var departures = new List<DateTimeOffset>();
        var waiting = Enumerable.Range(0, 250).Select(_ => time.GetUtcNow()).ToList();
        while (waiting.Count > 0)
        {
            for (var i = waiting.Count - 1; i >= 0; i--)
            {
                if (waiting[i] <= time.GetUtcNow())
                {
                    var wait = window.Reserve(cap: 100);
                    if (wait == TimeSpan.Zero)
                    {
                        departures.Add(time.GetUtcNow());
                        waiting.RemoveAt(i);
                    }
                    else
                    {
                        Assert.InRange(wait, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));
                        waiting[i] = time.GetUtcNow() + wait;
                    }
                }
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var fullest = departures.Select(d => departures.Count(o => o <= d && d - o < TimeSpan.FromSeconds(1))).Max();
        Assert.Equal(100, fullest);

        // 100 at once, then the next 100 a second later, the last 50 a second after that: held back, never lost.
        Assert.Equal(250, departures.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), departures.Max() - departures.Min());
    }

    [Fact]
    public void ALowerCap_LetsTheExcessAgeOutFirst()
    {
        var time = new ManualTimeProvider();
        var window = new DepartureWindow(time);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, window.Reserve(cap: 10));
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Now at 100 ms: the cap falls to 5, so six of the ten must be a second old first (the sixth left at 50 ms).
        Assert.Equal(TimeSpan.FromMilliseconds(950), window.Reserve(cap: 5));
        time.Advance(TimeSpan.FromMilliseconds(949));
        Assert.Equal(TimeSpan.FromMilliseconds(1), window.Reserve(cap: 5));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, window.Reserve(cap: 5));
    }
}
