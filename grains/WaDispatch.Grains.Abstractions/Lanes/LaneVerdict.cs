namespace WaDispatch.Grains.Lanes;

/// <summary>What a lane did with an answer: the send's end, or that it will go again (so its outcome is not yet known).</summary>
/// <param name="Final">Whether the send ended (sent, failed, expired); false when it was queued or held to go again.</param>
/// <param name="Outcome">How it ended, when <paramref name="Final"/>.</param>
/// <param name="Known">False when this activation did not have the send upstream (an earlier activation's): the pump settles it itself.</param>
/// <param name="Superseded">True when the answer reached another activation of the lane than its pump's: that pump's activation ends.</param>
[GenerateSerializer]
[Alias("wadispatch.LaneVerdict")]
[Immutable]
public sealed record LaneVerdict(bool Final, SendOutcome? Outcome, bool Known = true, bool Superseded = false);
