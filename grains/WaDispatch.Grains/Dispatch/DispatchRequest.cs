using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;

namespace WaDispatch.Grains.Dispatch;

/// <summary>One message to take through the recipient's rules, the messaging limit and the lane.</summary>
/// <param name="Id">The caller's id for the message.</param>
/// <param name="PhoneNumberId">The business number that sends.</param>
/// <param name="Message">The Cloud API request body.</param>
/// <param name="Category">The template's category, or <see cref="MessageCategory.Service"/> for a free-form message.</param>
/// <param name="Origin">A direct send or a campaign send.</param>
/// <param name="ExpiresAt">After this instant it is not sent.</param>
public sealed record DispatchRequest(string Id, string PhoneNumberId, SendMessageRequest Message, MessageCategory Category, SendOrigin Origin, DateTimeOffset ExpiresAt)
{
    /// <summary>The lane's priority class; by default from the category (authentication and service replies first, marketing last).</summary>
    public SendPriority? Priority { get; init; }

    /// <summary>The fairness unit in the lane, typically the campaign id.</summary>
    public string? Flow { get; init; }

    /// <summary>Awaited just before each request leaves for Meta; see <see cref="OutboundSend.Departing"/>.</summary>
    public Func<Task>? Departing { get; init; }

    /// <summary>
    /// Told of the lane's outcome as soon as it is known, before the recipient's and the budget's bookkeeping:
    /// the message ledger records Meta's id at once, ahead of the status webhooks that follow it.
    /// </summary>
    public Action<SendOutcome>? Answered { get; init; }
}
