namespace WaDispatch.Grains.Messages;

/// <summary>A status a message reached.</summary>
/// <param name="Status">The status (see <c>MessageStatuses</c>).</param>
/// <param name="At">When (for statuses reported by Meta, Meta's time).</param>
/// <param name="ErrorCode">The error code that came with it, if any.</param>
[GenerateSerializer]
[Alias("wadispatch.MessageEvent")]
public sealed record MessageEvent(string Status, DateTimeOffset At, int? ErrorCode = null);
