namespace WaDispatch.Grains.Messages;

/// <summary>A message reached a status (a change that applied; duplicates and late reports are not events).</summary>
/// <param name="MessageId">WaDispatch's message id.</param>
/// <param name="Status">sent, delivered, read, failed, expired, skipped, deferred or requeued.</param>
/// <param name="At">When (for statuses reported by Meta, Meta's time).</param>
/// <param name="ErrorCode">The error code that came with it, if any.</param>
[GenerateSerializer]
[Alias("wadispatch.MessageStatusEvent")]
public sealed record MessageStatusEvent(string MessageId, string Status, DateTimeOffset At, int? ErrorCode = null)
{
    /// <summary>Meta's id of the message, when known to the writer of the change.</summary>
    [Id(0)]
    public string? Wamid { get; init; }

    /// <summary>The message's campaign, when known to the writer of the change.</summary>
    [Id(1)]
    public string? CampaignId { get; init; }
}
