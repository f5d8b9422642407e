namespace WaDispatch.Storage.Messages;

/// <summary>One message in the ledger, as stored.</summary>
/// <param name="Id">WaDispatch's id for the message.</param>
/// <param name="IdempotencyKey">The caller's key, scoped by the front door; null when none was given.</param>
/// <param name="PhoneNumberId">The business number that sends it.</param>
/// <param name="WaId">The recipient.</param>
/// <param name="CampaignId">The campaign it belongs to, if any.</param>
/// <param name="Mode">How it came in (e.g. <c>async</c>, <c>sync</c>): decides what a restart does with it.</param>
/// <param name="Request">The Cloud API request body, JSON.</param>
/// <param name="Status">Its current status.</param>
/// <param name="Wamid">Meta's id for it, once sent.</param>
/// <param name="Error">Why it failed (or was last held back), as a Cloud API error in JSON.</param>
/// <param name="RetryAt">When a held-back message may go again.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
/// <param name="ExpiresAt">After this instant it is not sent.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="CallbackUrl">Where its status changes are posted, if anywhere.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of its trace (see <c>DispatchTracing</c>), when it was traced.</param>
/// <param name="Priority">
/// Its class in its lane's order, most urgent first: 0 replies and authentication, 1 utility, 2 marketing (the lane's
/// <c>SendPriority</c>). A lane reads its parked and deferred messages in this order, and by id within it.
/// </param>
public sealed record LedgerMessage(
    string Id,
    string? IdempotencyKey,
    string PhoneNumberId,
    string WaId,
    string? CampaignId,
    string Mode,
    string Request,
    string Status,
    string? Wamid,
    string? Error,
    DateTimeOffset? RetryAt,
    DateTimeOffset AcceptedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset UpdatedAt,
    string? CallbackUrl = null,
    string? TraceParent = null,
    int Priority = LedgerMessage.BulkPriority)
{
    /// <summary>The least urgent class (marketing): a message's until something more urgent is known of it.</summary>
    public const int BulkPriority = 2;

    /// <summary>The place before every due message, for <see cref="MessageLedgerStore.ReadDueAsync"/>'s first page.</summary>
    public static readonly (int Priority, string Id) FirstDue = (int.MinValue, string.Empty);
}
