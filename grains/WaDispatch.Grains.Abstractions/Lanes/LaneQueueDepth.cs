namespace WaDispatch.Grains.Lanes;

/// <summary>How many sends wait in a lane, by priority class.</summary>
/// <param name="Reply">Ready replies and authentication sends.</param>
/// <param name="Transactional">Ready utility sends.</param>
/// <param name="Bulk">Ready campaign sends.</param>
/// <param name="Held">Sends held for a retry backoff or a pair snooze.</param>
[GenerateSerializer]
[Alias("wadispatch.LaneQueueDepth")]
public sealed record LaneQueueDepth(int Reply, int Transactional, int Bulk, int Held);
