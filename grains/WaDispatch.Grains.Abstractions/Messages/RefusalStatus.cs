using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Grains.Messages;

/// <summary>The HTTP status a refusal is answered with. Callers decide on the code, as with Meta; the status follows HTTP's meaning.</summary>
public static class RefusalStatus
{
    /// <summary>Throttles 429 (with <c>Retry-After</c>), WaDispatch unavailable 503, upstream transport failures 502, the rest 400.</summary>
    public static int Of(int code) => code switch
    {
        ErrorCodes.RateLimitHit or ErrorCodes.PairRateLimitHit or ErrorCodes.MessagingLimitReached or ErrorCodes.ApiTooManyCalls or ErrorCodes.RateLimitIssues => 429,
        ErrorCodes.ServiceUnavailable => 503,
        ErrorCodes.TransportFailure or ErrorCodes.TransportRejected => 502,
        _ => 400,
    };
}
