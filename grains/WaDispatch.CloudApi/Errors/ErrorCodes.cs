namespace WaDispatch.CloudApi.Errors;

/// <summary>The Cloud API error codes WaDispatch acts on (cloud-api.md §5), and its own transport codes.</summary>
public static class ErrorCodes
{
    /// <summary>AuthException.</summary>
    public const int AuthException = 0;

    /// <summary>API Unknown: possibly temporary.</summary>
    public const int ApiUnknown = 1;

    /// <summary>API Service: temporary downtime.</summary>
    public const int ApiService = 2;

    /// <summary>API Method: capability or permission issue.</summary>
    public const int ApiMethod = 3;

    /// <summary>Too many API calls by the app.</summary>
    public const int ApiTooManyCalls = 4;

    /// <summary>Permission denied.</summary>
    public const int PermissionDenied = 10;

    /// <summary>Invalid parameter; the reason is in the details.</summary>
    public const int InvalidParameter = 100;

    /// <summary>Graph API: the path names nothing (<c>Unknown path components</c>).</summary>
    public const int UnknownPathComponents = 2500;

    /// <summary>Access token expired or invalid.</summary>
    public const int AccessTokenExpired = 190;

    /// <summary>Account restricted for policy violations.</summary>
    public const int TemporarilyBlocked = 368;

    /// <summary>WABA-level rate limit.</summary>
    public const int RateLimitIssues = 80007;

    /// <summary>Whether <paramref name="code"/> is Meta throttling a management call (<see cref="RateLimitIssues"/> or <see cref="ApiTooManyCalls"/>).</summary>
    public static bool IsManagementThrottle(int code) => code is RateLimitIssues or ApiTooManyCalls;

    /// <summary>Throughput of the phone number reached.</summary>
    public const int RateLimitHit = 130429;

    /// <summary>The user is part of a marketing experiment.</summary>
    public const int UserInExperiment = 130472;

    /// <summary>Something went wrong.</summary>
    public const int SomethingWentWrong = 131000;

    /// <summary>Access denied.</summary>
    public const int AccessDenied = 131005;

    /// <summary>Service unavailable.</summary>
    public const int ServiceUnavailable = 131016;

    /// <summary>Message undeliverable: no WhatsApp, old client, terms not accepted.</summary>
    public const int MessageUndeliverable = 131026;

    /// <summary>Business account locked.</summary>
    public const int BusinessAccountLocked = 131031;

    /// <summary>Payment issue.</summary>
    public const int BusinessPaymentIssue = 131042;

    /// <summary>More than 24 hours since the user last replied: only templates.</summary>
    public const int ReEngagementMessage = 131047;

    /// <summary>Spam-rate restriction.</summary>
    public const int SpamRateLimitHit = 131048;

    /// <summary>Per-user marketing cap reached.</summary>
    public const int MarketingCapReached = 131049;

    /// <summary>The user stopped marketing messages.</summary>
    public const int UserStoppedMarketing = 131050;

    /// <summary>A required parameter is missing.</summary>
    public const int RequiredParameterMissing = 131008;

    /// <summary>A parameter value is not valid.</summary>
    public const int ParameterValueInvalid = 131009;

    /// <summary>Unsupported message type.</summary>
    public const int UnsupportedMessageType = 131051;

    /// <summary>Pair rate limit hit.</summary>
    public const int PairRateLimitHit = 131056;

    /// <summary>Account in maintenance mode (throughput upgrade).</summary>
    public const int AccountInMaintenance = 131057;

    /// <summary>Generic user error.</summary>
    public const int GenericUserError = 132000;

    /// <summary>Template does not exist.</summary>
    public const int TemplateDoesNotExist = 132001;

    /// <summary>Template parameter format mismatch.</summary>
    public const int TemplateParameterFormatMismatch = 132012;

    /// <summary>Template paused.</summary>
    public const int TemplatePaused = 132015;

    /// <summary>Template disabled.</summary>
    public const int TemplateDisabled = 132016;

    /// <summary>WaDispatch's own: no Cloud API answer (network error, timeout, a 5xx without a Cloud API body).</summary>
    public const int TransportFailure = -1;

    /// <summary>WaDispatch's own: a non-retryable HTTP answer without a Cloud API body (e.g. 404 from a wrong base URL).</summary>
    public const int TransportRejected = -2;

    /// <summary>
    /// WaDispatch's own: the business's messaging limit (unique recipients reached outside a
    /// customer-service window in a moving 24 h) is spent. Meta has no code for it; WaDispatch refuses
    /// the send itself, with details naming the tier and when capacity returns.
    /// </summary>
    public const int MessagingLimitReached = -10;

    /// <summary>
    /// WaDispatch's own: the user opted out by texting a keyword (STOP, …); business-initiated templates
    /// of every category are not sent until they opt back in (START). Meta has no code for it.
    /// </summary>
    public const int KeywordOptOut = -11;

    /// <summary>Older (On-Premises) material: the user stopped marketing messages; read as <see cref="UserStoppedMarketing"/>.</summary>
    public const int LegacyUserStoppedMarketing = 498;

    /// <summary>Older (On-Premises) material: per-user marketing limit; read as <see cref="MarketingCapReached"/>.</summary>
    public const int LegacyMarketingCapReached = 1026;
}
