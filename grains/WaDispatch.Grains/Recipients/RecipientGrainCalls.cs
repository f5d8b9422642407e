using WaDispatch.Runtime;

namespace WaDispatch.Grains.Recipients;

/// <summary>Calls on a <see cref="IRecipientGrain"/> reference that read like method calls.</summary>
public static class RecipientGrainCalls
{
    /// <inheritdoc cref="IRecipientGrain.AdmitAsync"/>
    public static ValueTask<RecipientDecision> AdmitAsync(this GrainReference<IRecipientGrain> recipient, RecipientSend send) =>
        recipient.InvokeAsync(static (g, s) => g.AdmitAsync(s), send);

    /// <inheritdoc cref="IRecipientGrain.RecordInboundAsync"/>
    public static ValueTask RecordInboundAsync(this GrainReference<IRecipientGrain> recipient, UserMessage message, KeywordPolicy keywords) =>
        recipient.InvokeAsync(static (g, a) => g.RecordInboundAsync(a.message, a.keywords), (message, keywords));

    /// <inheritdoc cref="IRecipientGrain.RecordMarketingPreferenceAsync"/>
    public static ValueTask RecordMarketingPreferenceAsync(this GrainReference<IRecipientGrain> recipient, bool stopped, DateTimeOffset at) =>
        recipient.InvokeAsync(static (g, a) => g.RecordMarketingPreferenceAsync(a.stopped, a.at), (stopped, at));

    /// <inheritdoc cref="IRecipientGrain.RecordOutcomeAsync"/>
    public static ValueTask RecordOutcomeAsync(this GrainReference<IRecipientGrain> recipient, int code, DateTimeOffset at) =>
        recipient.InvokeAsync(static (g, a) => g.RecordOutcomeAsync(a.code, a.at), (code, at));

    /// <inheritdoc cref="IRecipientGrain.GetSnapshotAsync"/>
    public static ValueTask<RecipientSnapshot> GetSnapshotAsync(this GrainReference<IRecipientGrain> recipient) =>
        recipient.InvokeAsync(static g => g.GetSnapshotAsync());
}
