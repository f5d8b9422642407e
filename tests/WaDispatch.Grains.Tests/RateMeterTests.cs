using Microsoft.Extensions.Time.Testing;
using WaDispatch.Grains.Pacing;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

public sealed class RateMeterTests
{
    [Fact]
    public void PerSecond_CountsTheLastFullSecond_NotTheBucketStillFilling()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var meter = new RateMeter(time);
        for (var i = 0; i < 2050; i++)
        {
            meter.Add(time.GetTimestamp());
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(1000, meter.PerSecond(time.GetTimestamp()));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(50, meter.PerSecond(time.GetTimestamp()));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, meter.PerSecond(time.GetTimestamp()));
    }
}
