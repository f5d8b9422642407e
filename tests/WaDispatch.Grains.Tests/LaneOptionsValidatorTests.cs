using WaDispatch.Grains.Lanes;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>The lanes' parking settings are checked at start-up, each failure naming its setting and its bounds.</summary>
public sealed class LaneOptionsValidatorTests
{
    [Fact]
    public void TheDefaults_AreValid() =>
        Assert.True(new LaneOptionsValidator().Validate(null, new LaneOptions()).Succeeded);

    [Theory]
    [InlineData(0, 1000, 2000, "Lanes:ParkingHold is 00:00:00; it must be between 10 ms and 1 min.")]
    [InlineData(61_000, 1000, 2000, "Lanes:ParkingHold is 00:01:01; it must be between 10 ms and 1 min.")]
    [InlineData(500, 5, 2000, "Lanes:ParkedRankWait is 00:00:00.0050000; it must be between 10 ms and 1 min.")]
    [InlineData(500, 120_000, 2000, "Lanes:ParkedRankWait is 00:02:00; it must be between 10 ms and 1 min.")]
    [InlineData(500, 1000, -1, "Lanes:ParkedTellWait is -00:00:00.0010000; it must be between 0 and 1 min.")]
    [InlineData(500, 1000, 61_000, "Lanes:ParkedTellWait is 00:01:01; it must be between 0 and 1 min.")]
    public void AParkingSettingOutOfBounds_IsRefusedByName(int holdMs, int rankWaitMs, int tellWaitMs, string failure)
    {
        var options = new LaneOptions { ParkingHold = TimeSpan.FromMilliseconds(holdMs), ParkedRankWait = TimeSpan.FromMilliseconds(rankWaitMs), ParkedTellWait = TimeSpan.FromMilliseconds(tellWaitMs) };

        var result = new LaneOptionsValidator().Validate(null, options);

        Assert.Equal([failure], result.Failures);
    }
}
