using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;

namespace WaDispatch.Grains.Dispatch;

/// <summary>One message to take through the recipient's rules and the messaging limit, to its lane.</summary>
/// <param name="Id">WaDispatch's message id.</param>
/// <param name="PhoneNumberId">The business number that sends.</param>
/// <param name="Message">The Cloud API request body, as it leaves for Meta.</param>
/// <param name="Category">The template's category, or <see cref="MessageCategory.Service"/> for a free-form message.</param>
/// <param name="Origin">A direct send or a campaign send.</param>
/// <param name="ExpiresAt">After this instant it is not sent.</param>
public sealed record DispatchRequest(string Id, string PhoneNumberId, SendMessageRequest Message, MessageCategory Category, SendOrigin Origin, DateTimeOffset ExpiresAt)
{
    /// <summary>The lane's priority class; by default from the category (authentication and service replies first, marketing last).</summary>
    public SendPriority? Priority { get; init; }

    /// <summary>The campaign it belongs to: its fairness unit in the lane.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the message's trace, carried to its lane.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Whether a caller waits for Meta's answer (the Cloud API route).</summary>
    public bool Direct { get; init; }

    /// <summary>Whether the message is in the ledger (every message the silo takes is; a lane may be fed without it in tests and benchmarks).</summary>
    public bool Recorded { get; init; } = true;
}
