namespace WaDispatch.Storage.Messages;

/// <summary>One change to the ledger; changes are written in groups, each with its own result.</summary>
public abstract record LedgerWrite
{
    private protected LedgerWrite()
    {
    }
}

/// <summary>Records a new message as accepted. Applied unless its id or idempotency key is already there.</summary>
/// <param name="Message">The message (its status is taken to be accepted).</param>
public sealed record AcceptWrite(LedgerMessage Message) : LedgerWrite;

/// <summary>
/// Moves a message (found by <see cref="MessageId"/> or, for a webhook, by <see cref="Wamid"/>) forward to
/// <see cref="Status"/> of rank <see cref="Rank"/>, only from a rank at most <see cref="FromMaxRank"/>,
/// and records the status in its history (once per status). Applied when the status moved.
/// </summary>
/// <param name="MessageId">WaDispatch's id; null to find the message by <see cref="Wamid"/>.</param>
/// <param name="Wamid">With an id: Meta's id to store with it; without: the message to find.</param>
/// <param name="Status">The new status.</param>
/// <param name="Rank">Its rank.</param>
/// <param name="FromMaxRank">The highest rank it may move from.</param>
/// <param name="At">When.</param>
/// <param name="ErrorCode">The error code, for a failure.</param>
/// <param name="Error">The error as JSON, for a failure.</param>
public sealed record AdvanceWrite(string? MessageId, string? Wamid, string Status, int Rank, int FromMaxRank, DateTimeOffset At, int? ErrorCode = null, string? Error = null) : LedgerWrite
{
    /// <summary>For a message that ends without reaching Meta: frees its idempotency key so that a retry may send it (by id only).</summary>
    public bool ReleaseIdempotencyKey { get; init; }

    /// <summary>For a skip: why (<c>opted_out</c>, <c>undeliverable</c>), counted by campaigns (by id only).</summary>
    public string? Reason { get; init; }

    /// <summary>When set and the change applies, a status callback is queued (for a message with a callback URL), kept until this instant.</summary>
    public DateTimeOffset? CallbackUntil { get; init; }
}

/// <summary>
/// Puts a message not yet sent back to accepted, to go at <see cref="RetryAt"/> (held back by a limit, or
/// taken back from a lane that stopped), recording <see cref="Reason"/> in its history. Applied when it was not yet sent.
/// </summary>
/// <param name="MessageId">WaDispatch's id.</param>
/// <param name="RetryAt">When it may go again.</param>
/// <param name="At">When.</param>
/// <param name="Reason">The history entry, e.g. <c>deferred</c>.</param>
/// <param name="ErrorCode">The error that held it back, if any.</param>
/// <param name="Error">That error as JSON.</param>
public sealed record DeferWrite(string MessageId, DateTimeOffset RetryAt, DateTimeOffset At, string Reason, int? ErrorCode = null, string? Error = null) : LedgerWrite
{
    /// <summary>When set and the change applies, a status callback is queued (for a message with a callback URL), kept until this instant.</summary>
    public DateTimeOffset? CallbackUntil { get; init; }

    /// <summary>
    /// The class it waits in (<see cref="LedgerMessage.Priority"/>), when the caller knows it: its lane reads it back
    /// before the less urgent ones. Null keeps the one it has.
    /// </summary>
    public int? Priority { get; init; }
}

/// <summary>
/// A status Meta reported for a message found by WaDispatch's own id, which Meta echoed back: records the wamid and moves
/// the message to <see cref="Status"/> — from accepted or sending (Meta's answer is not recorded yet), or from
/// <c>failed</c> with an unknown outcome (the silo died while the send was upstream); a message that already has this
/// wamid (an earlier status of it was reconciled first) moves forward only, from a rank at most
/// <see cref="FromMaxRank"/>. Applied when it moved; a message with another wamid or another end stays as it is.
/// </summary>
/// <param name="MessageId">WaDispatch's id, from <c>biz_opaque_callback_data</c>.</param>
/// <param name="Wamid">Meta's id for it.</param>
/// <param name="Status">The status Meta reported: sent, delivered, read or failed.</param>
/// <param name="Rank">Its rank.</param>
/// <param name="FromMaxRank">The highest rank it may move from, once the message has this wamid.</param>
/// <param name="At">When.</param>
/// <param name="ErrorCode">Meta's error code, for a failure.</param>
/// <param name="Error">Meta's error as JSON, for a failure.</param>
public sealed record ReconcileWrite(string MessageId, string Wamid, string Status, int Rank, int FromMaxRank, DateTimeOffset At, int? ErrorCode = null, string? Error = null) : LedgerWrite
{
    /// <summary>When set and the change applies, a status callback is queued (for a message with a callback URL), kept until this instant.</summary>
    public DateTimeOffset? CallbackUntil { get; init; }
}
