namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of an <c>account_review_update</c> change: the outcome of the WABA's review.</summary>
public sealed record AccountReviewUpdateValue
{
    /// <summary>E.g. <c>APPROVED</c>, <c>REJECTED</c>, <c>PENDING</c>, <c>DEFERRED</c>.</summary>
    public string? Decision { get; init; }
}
