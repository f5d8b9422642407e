namespace WaDispatch.Grains.Lanes;

/// <summary>The result of <see cref="OutboundLane.Take"/>: when to come back.</summary>
/// <param name="Wait">How the pump waits.</param>
/// <param name="WakeAt">For <see cref="LaneWait.Until"/>, the timestamp to wait for.</param>
internal readonly record struct LaneTake(LaneWait Wait, long WakeAt = 0)
{
    public static LaneTake Again => new(LaneWait.None);

    public static LaneTake ForSignal => new(LaneWait.Signal);

    public static LaneTake Until(long timestamp) => new(LaneWait.Until, timestamp);
}
