namespace WaDispatch.Grains.Wabas;

/// <summary>A WABA as an operator sees it (<c>GET /v1/wabas/{waba_id}</c>).</summary>
/// <param name="WabaId">The WhatsApp Business Account.</param>
/// <param name="PhoneNumberIds">Its numbers known to WaDispatch.</param>
/// <param name="Subscription">The app's webhook subscription on it.</param>
/// <param name="Account">What Meta's account webhooks said about it.</param>
[GenerateSerializer]
[Alias("wadispatch.WabaSnapshot")]
public sealed record WabaSnapshot(
    [property: Id(0)] string WabaId,
    [property: Id(1)] IReadOnlyList<string> PhoneNumberIds,
    [property: Id(2)] WabaSubscription Subscription,
    [property: Id(3)] WabaAccount Account);

/// <summary>The subscription states of <see cref="WabaSubscription.Status"/>.</summary>
public static class WabaSubscriptionStatuses
{
    /// <summary>Not checked yet, or the last check failed before it could tell.</summary>
    public const string Unknown = "unknown";

    /// <summary>The app is subscribed: Meta sends this WABA's webhooks.</summary>
    public const string Subscribed = "subscribed";

    /// <summary>The app is not subscribed: Meta sends nothing for this WABA.</summary>
    public const string NotSubscribed = "not_subscribed";
}

/// <summary>The app's webhook subscription on a WABA, and the management calls spent on it.</summary>
[GenerateSerializer]
[Alias("wadispatch.WabaSubscription")]
public sealed record WabaSubscription
{
    /// <summary>One of <see cref="WabaSubscriptionStatuses"/>.</summary>
    [Id(0)]
    public string Status { get; init; } = WabaSubscriptionStatuses.Unknown;

    /// <summary>When Meta last told the status (a list, subscribe or unsubscribe call that succeeded).</summary>
    [Id(1)]
    public DateTimeOffset? CheckedAt { get; init; }

    /// <summary>This WABA's own callback URL at Meta, when one is set.</summary>
    [Id(2)]
    public string? OverrideCallbackUri { get; init; }

    /// <summary>An operator unsubscribed the app: the periodic check does not subscribe it again.</summary>
    [Id(3)]
    public bool UnsubscribedByOperator { get; init; }

    /// <summary>Why the last management call failed; null after one succeeded.</summary>
    [Id(4)]
    public WabaError? LastError { get; init; }

    /// <summary>Until when WaDispatch makes no management call on this WABA (Meta's throttling, its usage headers, or the hourly budget).</summary>
    [Id(5)]
    public DateTimeOffset? HeldUntil { get; init; }

    /// <summary>The highest usage percentage Meta's headers last reported for these calls.</summary>
    [Id(6)]
    public int? UsagePercent { get; init; }

    /// <summary>Management calls WaDispatch made on this WABA in the last hour.</summary>
    [Id(7)]
    public int CallsLastHour { get; init; }
}

/// <summary>What Meta's account webhooks said about a WABA.</summary>
[GenerateSerializer]
[Alias("wadispatch.WabaAccount")]
public sealed record WabaAccount
{
    /// <summary>The outcome of the WABA's review (<c>account_review_update</c>): <c>APPROVED</c>, <c>REJECTED</c>, <c>PENDING</c>, …</summary>
    [Id(0)]
    public string? ReviewDecision { get; init; }

    /// <summary>When the review decision was made.</summary>
    [Id(1)]
    public DateTimeOffset? ReviewedAt { get; init; }

    /// <summary>The latest decision on a number's requested display name (<c>phone_number_name_update</c>).</summary>
    [Id(2)]
    public WabaNameDecision? LastNameDecision { get; init; }

    /// <summary>The ban state (<c>account_update</c> <c>DISABLED_UPDATE</c>): <c>DISABLE</c>, <c>SCHEDULE_FOR_DISABLE</c>, <c>REINSTATE</c>.</summary>
    [Id(3)]
    public string? BanState { get; init; }

    /// <summary>The ban date Meta gave.</summary>
    [Id(4)]
    public string? BanDate { get; init; }

    /// <summary>When the ban state changed.</summary>
    [Id(5)]
    public DateTimeOffset? BanChangedAt { get; init; }

    /// <summary>The restrictions Meta last reported (<c>account_update</c> <c>ACCOUNT_RESTRICTION</c>), expired ones included until they are replaced.</summary>
    [Id(6)]
    public IReadOnlyList<WabaRestriction> Restrictions { get; init; } = [];

    /// <summary>When the restrictions were reported.</summary>
    [Id(7)]
    public DateTimeOffset? RestrictionsChangedAt { get; init; }

    /// <summary>The latest policy violation (<c>account_update</c> <c>ACCOUNT_VIOLATION</c>).</summary>
    [Id(8)]
    public string? LastViolation { get; init; }

    /// <summary>When the violation was reported.</summary>
    [Id(9)]
    public DateTimeOffset? ViolationAt { get; init; }

    /// <summary>The messaging limit of the latest <c>business_capability_update</c>.</summary>
    [Id(10)]
    public string? MessagingLimit { get; init; }

    /// <summary>When the messaging limit changed.</summary>
    [Id(11)]
    public DateTimeOffset? MessagingLimitChangedAt { get; init; }

    /// <summary>Why the WABA's lanes are stopped (a ban or a messaging restriction); null while they are not.</summary>
    [Id(12)]
    public WabaError? LanesStoppedFor { get; init; }

    /// <summary>The latest <c>account_update</c> event, whatever it was.</summary>
    [Id(13)]
    public string? LastEvent { get; init; }
}

/// <summary>A decision on a requested display name.</summary>
/// <param name="DisplayPhoneNumber">The number, as displayed.</param>
/// <param name="Decision"><c>APPROVED</c>, <c>REJECTED</c> or <c>DEFERRED</c>.</param>
/// <param name="RequestedVerifiedName">The name asked for.</param>
/// <param name="RejectionReason">Why it was rejected.</param>
/// <param name="At">When it was decided.</param>
[GenerateSerializer]
[Alias("wadispatch.WabaNameDecision")]
public sealed record WabaNameDecision(
    [property: Id(0)] string? DisplayPhoneNumber,
    [property: Id(1)] string? Decision,
    [property: Id(2)] string? RequestedVerifiedName,
    [property: Id(3)] string? RejectionReason,
    [property: Id(4)] DateTimeOffset At);

/// <summary>A restriction on a WABA.</summary>
/// <param name="Type">E.g. <c>RESTRICTED_BIZ_INITIATED_MESSAGING</c>.</param>
/// <param name="ExpiresAt">When it ends, when Meta said.</param>
[GenerateSerializer]
[Alias("wadispatch.WabaRestriction")]
public sealed record WabaRestriction([property: Id(0)] string Type, [property: Id(1)] DateTimeOffset? ExpiresAt);

/// <summary>A Cloud API error as a WABA keeps it.</summary>
/// <param name="Code">The Cloud API error code.</param>
/// <param name="Title">Its title.</param>
/// <param name="Details">Its details.</param>
/// <param name="At">When it happened.</param>
[GenerateSerializer]
[Alias("wadispatch.WabaError")]
public sealed record WabaError([property: Id(0)] int Code, [property: Id(1)] string Title, [property: Id(2)] string? Details, [property: Id(3)] DateTimeOffset At);

/// <summary>A WABA's own webhook callback for a subscription: its URL and the token Meta's verification echoes.</summary>
/// <param name="CallbackUri">The URL (absolute, https in production).</param>
/// <param name="VerifyToken">The <c>hub.verify_token</c>.</param>
[GenerateSerializer]
[Alias("wadispatch.WabaCallback")]
public sealed record WabaCallback([property: Id(0)] Uri CallbackUri, [property: Id(1)] string VerifyToken);

/// <summary>The outcome of a subscription call: the subscription after it, and the error when it failed or was held.</summary>
/// <param name="Subscription">The subscription after the call.</param>
/// <param name="Error">Why the call failed or was not made; null when it succeeded.</param>
/// <param name="RetryAt">When a call held or throttled may be made again.</param>
[GenerateSerializer]
[Alias("wadispatch.WabaCallResult")]
public sealed record WabaCallResult([property: Id(0)] WabaSubscription Subscription, [property: Id(1)] WabaError? Error, [property: Id(2)] DateTimeOffset? RetryAt);
