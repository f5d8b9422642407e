using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Grains.Recipients;

/// <summary>A recipient's answer to a send.</summary>
/// <param name="Verdict">The answer.</param>
/// <param name="WindowOpen">Whether the customer-service window is open: then the send costs no messaging-limit budget.</param>
/// <param name="NotBefore">For an allowed send, the earliest instant it may go (pair rate, pair snooze); null for now.</param>
/// <param name="RetryAt">For a deferral or a refusal that can pass, when it can.</param>
/// <param name="Error">For a refusal, the Cloud API-shaped error (Meta's code where Meta has one).</param>
/// <param name="SkipReason">For a skip: <c>opted_out</c> or <c>undeliverable</c>.</param>
[GenerateSerializer]
[Alias("wadispatch.RecipientDecision")]
public sealed record RecipientDecision(
    RecipientVerdict Verdict,
    bool WindowOpen,
    DateTimeOffset? NotBefore = null,
    DateTimeOffset? RetryAt = null,
    CloudApiError? Error = null,
    string? SkipReason = null)
{
    /// <summary>Until when the customer-service window is open; null when it is closed. A free-form send must be out before then.</summary>
    [Id(0)]
    public DateTimeOffset? WindowOpenUntil { get; init; }

    /// <summary>The skip reason of an opted-out user.</summary>
    public const string OptedOut = "opted_out";

    /// <summary>The skip reason of a user Meta could not deliver to.</summary>
    public const string Undeliverable = "undeliverable";
}
