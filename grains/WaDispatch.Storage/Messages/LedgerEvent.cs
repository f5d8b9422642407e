namespace WaDispatch.Storage.Messages;

/// <summary>A status a message reached, and when.</summary>
/// <param name="Status">The status.</param>
/// <param name="At">When it was reached (for webhook statuses, Meta's time).</param>
/// <param name="ErrorCode">The error code that came with it, if any.</param>
public sealed record LedgerEvent(string Status, DateTimeOffset At, int? ErrorCode);
