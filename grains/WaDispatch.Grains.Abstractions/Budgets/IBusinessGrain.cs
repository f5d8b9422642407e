using WaDispatch.Grains.Recipients;

namespace WaDispatch.Grains.Budgets;

/// <summary>
/// One business portfolio's messaging limit (key: business portfolio id): unique recipients reached
/// outside a customer-service window in a moving 24 h, shared by its numbers or counted per number.
/// </summary>
/// <remarks>A number configured without a business is its own business, keyed by its phone number id.</remarks>
[Alias("wadispatch.IBusinessGrain")]
public interface IBusinessGrain : IGrainWithStringKey
{
    /// <summary>Asks for budget for one send; records the recipient when it costs a place.</summary>
    /// <exception cref="ArgumentException">An id is missing.</exception>
    /// <remarks>Decides in one synchronous step, then only waits for the count's group commit: other charges interleave and join the same commit.</remarks>
    [Alias("Charge")]
    [AlwaysInterleave]
    ValueTask<BudgetDecision> ChargeAsync(BudgetCharge charge);

    /// <summary>
    /// Records that a business-initiated send to <paramref name="waId"/> went out at <paramref name="sentAt"/>:
    /// Meta counts the recipient from the send, which may be long after the charge (a paused lane, a
    /// retry), so its 24 h restart from there. Call it for every charged send that was sent.
    /// </summary>
    /// <remarks>Records in one synchronous step, then only waits for the group commit.</remarks>
    [Alias("RecordSent")]
    [AlwaysInterleave]
    ValueTask RecordSentAsync(string phoneNumberId, string waId, DateTimeOffset sentAt);

    /// <summary>How <paramref name="recipients"/> new recipients from <paramref name="phoneNumberId"/> fit: how many now, and when the rest.</summary>
    [Alias("Preflight")]
    ValueTask<BudgetPreflight> PreflightAsync(string phoneNumberId, int recipients);

    /// <summary>Sets the tier and scope; counts already recorded stay.</summary>
    [Alias("Configure")]
    ValueTask<BusinessSnapshot> ConfigureAsync(BusinessConfiguration configuration);

    /// <summary>Sets only the tier (Meta's webhook said so); scope and keywords stay.</summary>
    [Alias("SetTier")]
    ValueTask<BusinessSnapshot> SetTierAsync(MessagingLimitTier tier);

    /// <summary>The opt-out and opt-in keywords the business reads from its users' messages.</summary>
    /// <remarks>Reads settings, changes nothing.</remarks>
    [Alias("GetKeywordPolicy")]
    [ReadOnly]
    ValueTask<KeywordPolicy> GetKeywordPolicyAsync();

    /// <summary>The tier, scope and use of the budget.</summary>
    [Alias("GetSnapshot")]
    ValueTask<BusinessSnapshot> GetSnapshotAsync();
}
