namespace WaDispatch.Simulator.State;

/// <summary>
/// The pair rate as a generic cell-rate algorithm: one message per <c>interval</c> on average, up to
/// <c>burst</c> at once. Pure arithmetic over a user's theoretical arrival time.
/// </summary>
internal readonly struct PairRate
{
    private readonly long _interval;
    private readonly long _tolerance;

    public PairRate(TimeSpan interval, int burst, long ticksPerSecond)
    {
        _interval = (long)(interval.TotalSeconds * ticksPerSecond);
        _tolerance = _interval * (burst - 1);
    }

    /// <summary>Takes one message's room at <paramref name="now"/>; false when the pair is over its rate.</summary>
    public bool TryTake(ref long theoreticalArrival, long now)
    {
        var arrival = Math.Max(theoreticalArrival, now);
        if (arrival - now > _tolerance)
        {
            return false;
        }

        theoreticalArrival = arrival + _interval;
        return true;
    }
}
