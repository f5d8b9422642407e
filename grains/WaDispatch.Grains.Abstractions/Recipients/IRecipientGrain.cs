namespace WaDispatch.Grains.Recipients;

/// <summary>
/// One (business number, user) pair (key: <see cref="RecipientKey"/>): the customer-service window,
/// marketing and keyword opt-outs, the pair rate, the per-user marketing cap and undeliverable memory.
/// WaDispatch asks it before every send, so that a message bound to fail never reaches Meta.
/// </summary>
[Alias("wadispatch.IRecipientGrain")]
public interface IRecipientGrain : IGrainWithStringKey
{
    /// <summary>Decides a send; an allowed send takes its place in the pair's pace.</summary>
    [Alias("Admit")]
    ValueTask<RecipientDecision> AdmitAsync(RecipientSend send);

    /// <summary>A message from the user (the webhook path): opens the window, and may opt the user out or back in.</summary>
    [Alias("RecordInbound")]
    ValueTask RecordInboundAsync(UserMessage message, KeywordPolicy keywords);

    /// <summary>A marketing stop or resume (<c>user_preferences</c> webhook) at its own time; the latest wins.</summary>
    [Alias("RecordMarketingPreference")]
    ValueTask RecordMarketingPreferenceAsync(bool stopped, DateTimeOffset at);

    /// <summary>What Meta answered to a send to this user (0 for accepted), synchronously or in a status webhook, and when.</summary>
    [Alias("RecordOutcome")]
    ValueTask RecordOutcomeAsync(int code, DateTimeOffset at);

    /// <summary>What the pair remembers.</summary>
    /// <remarks>Builds a snapshot, changes nothing.</remarks>
    [Alias("GetSnapshot")]
    [ReadOnly]
    ValueTask<RecipientSnapshot> GetSnapshotAsync();
}
