namespace WaDispatch.CloudApi.Errors;

/// <summary>What the dispatcher does about an error.</summary>
public enum ErrorClass
{
    /// <summary>The number's throughput is reached: slow the lane and retry; never a failure of the message.</summary>
    LaneThrottle,

    /// <summary>Too fast to one user: snooze that pair (4^X s) and keep the lane moving.</summary>
    PairThrottle,

    /// <summary>The number is being upgraded: pause the lane about 60 s and retry.</summary>
    MaintenancePause,

    /// <summary>App or WABA API rate limit: back off the account's calls.</summary>
    AccountThrottle,

    /// <summary>Possibly temporary: retry with backoff.</summary>
    Transient,

    /// <summary>This user cannot get this kind of message now (per-user marketing cap): wait before resending.</summary>
    RecipientCooldown,

    /// <summary>This user cannot get messages (undeliverable, opted out, experiment): record it, never retry.</summary>
    RecipientPermanent,

    /// <summary>The request itself is wrong or not allowed as is: reject, never retry unchanged.</summary>
    RequestPermanent,

    /// <summary>The template is missing, paused or disabled: stop campaigns that use it.</summary>
    TemplateUnavailable,

    /// <summary>The number or account is restricted: stop the lane and alert, do not hammer.</summary>
    StopLane,

    /// <summary>Token or permission problem: stop and alert; retrying cannot help.</summary>
    Auth,

    /// <summary>The business's messaging limit is spent: defer business-initiated sends until capacity frees.</summary>
    MessagingLimit,
}
