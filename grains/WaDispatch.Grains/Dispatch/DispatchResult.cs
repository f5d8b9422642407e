using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Lanes;

namespace WaDispatch.Grains.Dispatch;

/// <summary>The end of a dispatch.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Outcome">The lane's outcome, when it reached the lane.</param>
/// <param name="Error">Why it was not sent, Cloud API-shaped.</param>
/// <param name="RetryAt">For a deferral or a refusal that can pass, when it can.</param>
/// <param name="SkipReason">For a skip: <c>opted_out</c> or <c>undeliverable</c>.</param>
public sealed record DispatchResult(DispatchStatus Status, SendOutcome? Outcome = null, CloudApiError? Error = null, DateTimeOffset? RetryAt = null, string? SkipReason = null);
