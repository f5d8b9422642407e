namespace WaDispatch.Grains.Pacing;

/// <summary>Settings of a <see cref="SmoothRateLimiter"/>.</summary>
public sealed class SmoothRateLimiterOptions
{
    /// <summary>The tier: permits per second the upstream allows in any sliding second.</summary>
    public double PermitsPerSecond { get; set; } = 80;

    /// <summary>
    /// The share of the tier left unused, so that late timers and network jitter never push a sliding
    /// second over the tier. Default 0.025: the limiter paces at 97.5% of the tier.
    /// </summary>
    public double Headroom { get; set; } = 0.025;

    /// <summary>
    /// How far behind schedule the limiter may catch up after a late caller, by granting overdue permits
    /// at once. Larger keeps more of the rate under coarse timers; smaller keeps bursts smaller. Default 10 ms.
    /// </summary>
    public TimeSpan MaxCatchUp { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How much faster than the paced rate overdue slots are granted while catching up: spread out,
    /// rather than a burst that needs many connections at once. Default: <see cref="double.PositiveInfinity"/>
    /// (all overdue slots at once, within <see cref="MaxCatchUp"/>).
    /// </summary>
    public double CatchUpSpeed { get; set; } = double.PositiveInfinity;

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
