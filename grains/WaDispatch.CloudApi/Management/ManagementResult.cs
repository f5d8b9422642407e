using WaDispatch.CloudApi.Errors;

namespace WaDispatch.CloudApi.Management;

/// <summary>The outcome of a WABA management call.</summary>
public sealed record ManagementResult
{
    /// <summary>Meta accepted the call (<c>{"success": true}</c>, <c>"true"</c>, or a list).</summary>
    public bool Succeeded { get; init; }

    /// <summary>The subscribed apps, for a list call that succeeded.</summary>
    public IReadOnlyList<SubscribedApp>? Apps { get; init; }

    /// <summary>Why the call failed; null when it succeeded.</summary>
    public CloudApiError? Error { get; init; }

    /// <summary>The HTTP status; 0 when nothing was answered.</summary>
    public int HttpStatus { get; init; }

    /// <summary>The usage Meta reported in the response headers, if any.</summary>
    public ManagementUsage? Usage { get; init; }

    /// <summary>The <c>Retry-After</c> Meta sent, if any.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Meta refused the call for the management rate limit (error 80007 or 4).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Throttled => Error is { } error && ErrorCodes.IsManagementThrottle(error.Code);
}
