namespace WaDispatch.Grains.Lanes;

/// <summary>
/// What a take turn hands the lane's pump: sends whose permits came, and when to ask again (at once, when signalled,
/// or at a timestamp of the silo's clock), with what the sends need on their way.
/// </summary>
/// <param name="Sends">The sends to carry upstream now, each with the take it is.</param>
/// <param name="Wait">When to come back.</param>
/// <param name="WakeAt">For <see cref="LaneWait.Until"/>, the timestamp (of the silo's <see cref="TimeProvider"/>) to come back at.</param>
/// <param name="TokenReference">Which access token the number's sends use.</param>
/// <param name="SecondCap">The most sends any sliding second may hold at this lane's tier; departures keep to it too.</param>
/// <param name="Stop">True for a pump that is not the activation's own: it stops.</param>
[GenerateSerializer]
[Alias("wadispatch.LaneBatch")]
[Immutable]
public sealed record LaneBatch(IReadOnlyList<TakenSend> Sends, LaneWait Wait, long WakeAt, string? TokenReference, int SecondCap, bool Stop = false);

/// <summary>A send handed to the pump, with which take of it this is and when it was granted.</summary>
/// <param name="Send">The send.</param>
/// <param name="Attempt">Which take of it this is.</param>
/// <param name="TakenAt">When its permit was granted (a timestamp of the silo's clock).</param>
[GenerateSerializer]
[Alias("wadispatch.TakenSend")]
[Immutable]
public sealed record TakenSend(LaneSend Send, int Attempt, long TakenAt);

/// <summary>How a lane's pump waits for its next take.</summary>
public enum LaneWait
{
    /// <summary>Take again at once.</summary>
    None,

    /// <summary>Wait for the lane's signal (new sends, a freed slot).</summary>
    Signal,

    /// <summary>Wait until a given instant, or the signal, whichever comes first.</summary>
    Until,
}
