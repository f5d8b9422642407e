namespace WaDispatch.Grains.Recipients;

/// <summary>
/// One (business number, user) pair (key: <see cref="RecipientKey"/>): the customer-service window,
/// marketing and keyword opt-outs, the pair rate, the per-user marketing cap and undeliverable memory.
/// WaDispatch asks it before every send, so that a message bound to fail never reaches Meta.
/// </summary>
public interface IRecipientGrain
{
    /// <summary>Decides a send; an allowed send takes its place in the pair's pace.</summary>
    ValueTask<RecipientDecision> AdmitAsync(RecipientSend send);

    /// <summary>A message from the user (the webhook path): opens the window, and may opt the user out or back in.</summary>
    ValueTask RecordInboundAsync(UserMessage message, KeywordPolicy keywords);

    /// <summary>A marketing stop or resume (<c>user_preferences</c> webhook) at its own time; the latest wins.</summary>
    ValueTask RecordMarketingPreferenceAsync(bool stopped, DateTimeOffset at);

    /// <summary>What Meta answered to a send to this user (0 for accepted), synchronously or in a status webhook, and when.</summary>
    ValueTask RecordOutcomeAsync(int code, DateTimeOffset at);

    /// <summary>What the pair remembers.</summary>
    ValueTask<RecipientSnapshot> GetSnapshotAsync();
}
