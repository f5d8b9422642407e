namespace WaDispatch.Grains.Lanes;

/// <summary>What a lane did since it was activated.</summary>
/// <param name="Sent">Sends Meta accepted.</param>
/// <param name="Failed">Sends that failed for good.</param>
/// <param name="Expired">Sends that expired before they could go.</param>
/// <param name="RateLimited">130429 answers: each slowed the lane and its send was retried.</param>
/// <param name="Retried">Sends retried after a transient error, a pair-rate snooze or a pause.</param>
[GenerateSerializer]
[Alias("wadispatch.LaneCounters")]
public sealed record LaneCounters(long Sent, long Failed, long Expired, long RateLimited, long Retried);
