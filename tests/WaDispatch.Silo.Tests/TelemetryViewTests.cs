using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using WaDispatch.Silo.Operations;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>Which series limit and buckets each instrument gets in the silo's meter provider.</summary>
public sealed class TelemetryViewTests
{
    [Fact]
    public void AnotherLibrarysInstrument_KeepsTheSmallerLimit_WaDispatchsKeepTheDefault()
    {
        using var orleans = new Meter("Microsoft.Orleans");
        using var ours = new Meter("WaDispatch.Lanes");

        var library = Telemetry.View(orleans.CreateHistogram<double>("orleans-app-requests-latency", "ms"));
        var perNumber = Telemetry.View(ours.CreateCounter<long>("wadispatch.lane.upstream_answers"));
        var seconds = Telemetry.View(ours.CreateHistogram<double>("wadispatch.lane.upstream_duration", "s"));

        Assert.Equal(Telemetry.LibraryCardinalityLimit, library!.CardinalityLimit);
        Assert.Null(perNumber);
        var buckets = Assert.IsType<ExplicitBucketHistogramConfiguration>(seconds);
        Assert.Null(buckets.CardinalityLimit);
        Assert.Equal(0.0005, buckets.Boundaries![0]);
    }
}
