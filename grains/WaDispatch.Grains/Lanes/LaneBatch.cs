namespace WaDispatch.Grains.Lanes;

/// <summary>What one take turn hands the pump: sends with their permits, and how to wait for the next turn.</summary>
/// <param name="Sends">Sends to put upstream now.</param>
/// <param name="Next">When to take again.</param>
/// <param name="Signal">Completes when something the lane waits for happens (new work, a freed slot, a change).</param>
/// <param name="TokenReference">The access token name the sends go with.</param>
/// <param name="SecondCap">The most departures any sliding second may hold (the lane's pacer cap).</param>
internal sealed record LaneBatch(List<OutboundSend> Sends, LaneTake Next, Task Signal, string? TokenReference, int SecondCap);
