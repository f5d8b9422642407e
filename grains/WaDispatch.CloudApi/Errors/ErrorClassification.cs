using System.Collections.Frozen;

namespace WaDispatch.CloudApi.Errors;

/// <summary>
/// The one table that maps Cloud API error codes (cloud-api.md §5) to what the dispatcher does. An
/// unknown code falls back to <see cref="ErrorClass.RequestPermanent"/>: the message fails with its code
/// for a person to see, and nothing is retried blindly against an error nobody understood.
/// </summary>
public static class ErrorClassification
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static readonly FrozenDictionary<int, ErrorAction> Table = new ErrorAction[]
    {
        new(ErrorCodes.RateLimitHit, ErrorClass.LaneThrottle, new(true, Second, 1), "Throughput of the phone number reached"),
        new(ErrorCodes.PairRateLimitHit, ErrorClass.PairThrottle, new(true, Second, 4), "Too many messages to this user; retry after 4^X seconds"),
        new(ErrorCodes.AccountInMaintenance, ErrorClass.MaintenancePause, new(true, TimeSpan.FromSeconds(60), 1), "Phone number in maintenance (throughput upgrade)"),
        new(ErrorCodes.ApiTooManyCalls, ErrorClass.AccountThrottle, new(true, TimeSpan.FromSeconds(60), 2), "Too many API calls by the app"),
        new(ErrorCodes.RateLimitIssues, ErrorClass.AccountThrottle, new(true, TimeSpan.FromSeconds(60), 2), "WABA rate limit"),
        new(ErrorCodes.ApiUnknown, ErrorClass.Transient, new(true, Second, 2), "Unknown API error, possibly temporary"),
        new(ErrorCodes.ApiService, ErrorClass.Transient, new(true, Second, 2), "Temporary API service downtime"),
        new(ErrorCodes.SomethingWentWrong, ErrorClass.Transient, new(true, Second, 2), "Something went wrong"),
        new(ErrorCodes.ServiceUnavailable, ErrorClass.Transient, new(true, Second, 2), "Service unavailable"),
        new(ErrorCodes.TransportFailure, ErrorClass.Transient, new(true, Second, 2), "No Cloud API answer: network error, timeout or 5xx without an error body"),
        new(ErrorCodes.MarketingCapReached, ErrorClass.RecipientCooldown, new(true, TimeSpan.FromHours(24), 1), "Per-user marketing cap; no marketing to this user for 24 h"),
        new(ErrorCodes.UserStoppedMarketing, ErrorClass.RecipientPermanent, RetryHint.Never, "The user stopped marketing messages"),
        new(ErrorCodes.LegacyUserStoppedMarketing, ErrorClass.RecipientPermanent, RetryHint.Never, "The user stopped marketing messages (older code)"),
        new(ErrorCodes.LegacyMarketingCapReached, ErrorClass.RecipientCooldown, new(true, TimeSpan.FromHours(24), 1), "Per-user marketing cap (older code)"),
        new(ErrorCodes.MessageUndeliverable, ErrorClass.RecipientPermanent, RetryHint.Never, "Undeliverable: no WhatsApp, old client or terms not accepted"),
        new(ErrorCodes.UserInExperiment, ErrorClass.RecipientPermanent, RetryHint.Never, "The user is in a marketing experiment"),
        new(ErrorCodes.ReEngagementMessage, ErrorClass.RequestPermanent, RetryHint.Never, "Outside the customer-service window: send a template instead"),
        new(ErrorCodes.InvalidParameter, ErrorClass.RequestPermanent, RetryHint.Never, "Invalid parameter"),
        new(ErrorCodes.RequiredParameterMissing, ErrorClass.RequestPermanent, RetryHint.Never, "Required parameter missing"),
        new(ErrorCodes.ParameterValueInvalid, ErrorClass.RequestPermanent, RetryHint.Never, "Parameter value not valid"),
        new(ErrorCodes.UnsupportedMessageType, ErrorClass.RequestPermanent, RetryHint.Never, "Unsupported message type"),
        new(ErrorCodes.GenericUserError, ErrorClass.RequestPermanent, RetryHint.Never, "Template parameter count mismatch"),
        new(ErrorCodes.TemplateParameterFormatMismatch, ErrorClass.RequestPermanent, RetryHint.Never, "Template parameter format mismatch"),
        new(ErrorCodes.TransportRejected, ErrorClass.RequestPermanent, RetryHint.Never, "HTTP error without a Cloud API body"),
        new(ErrorCodes.TemplateDoesNotExist, ErrorClass.TemplateUnavailable, RetryHint.Never, "Template does not exist"),
        new(ErrorCodes.TemplatePaused, ErrorClass.TemplateUnavailable, RetryHint.Never, "Template paused"),
        new(ErrorCodes.TemplateDisabled, ErrorClass.TemplateUnavailable, RetryHint.Never, "Template disabled"),
        new(ErrorCodes.SpamRateLimitHit, ErrorClass.StopLane, RetryHint.Never, "Spam-rate restriction: stop the lane and alert"),
        new(ErrorCodes.TemporarilyBlocked, ErrorClass.StopLane, RetryHint.Never, "Account restricted for policy violations"),
        new(ErrorCodes.BusinessAccountLocked, ErrorClass.StopLane, RetryHint.Never, "Business account locked"),
        new(ErrorCodes.BusinessPaymentIssue, ErrorClass.StopLane, RetryHint.Never, "Payment issue"),
        new(ErrorCodes.AuthException, ErrorClass.Auth, RetryHint.Never, "Authentication failed"),
        new(ErrorCodes.ApiMethod, ErrorClass.Auth, RetryHint.Never, "Capability or permission issue"),
        new(ErrorCodes.PermissionDenied, ErrorClass.Auth, RetryHint.Never, "Permission denied"),
        new(ErrorCodes.AccessTokenExpired, ErrorClass.Auth, RetryHint.Never, "Access token expired or invalid"),
        new(ErrorCodes.AccessDenied, ErrorClass.Auth, RetryHint.Never, "Access denied"),
        new(ErrorCodes.KeywordOptOut, ErrorClass.RecipientPermanent, RetryHint.Never, "The user opted out by keyword; no templates until they opt back in"),
        new(ErrorCodes.MessagingLimitReached, ErrorClass.MessagingLimit, new(true, TimeSpan.FromMinutes(1), 1), "Messaging limit reached; retry when capacity returns"),
    }.ToFrozenDictionary(a => a.Code);

    /// <summary>What to do about <paramref name="code"/>; unknown codes get the safe fallback with <see cref="ErrorAction.IsKnown"/> false.</summary>
    public static ErrorAction Classify(int code) =>
        Table.TryGetValue(code, out var action)
            ? action
            : new ErrorAction(code, ErrorClass.RequestPermanent, RetryHint.Never, "Unknown error code", IsKnown: false);
}
