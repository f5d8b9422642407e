namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of an <c>account_update</c> change: bans, restrictions, violations.</summary>
public sealed record AccountUpdateValue
{
    /// <summary>The phone number concerned, when one is.</summary>
    public string? PhoneNumber { get; init; }

    /// <summary>E.g. <c>ACCOUNT_VIOLATION</c>, <c>ACCOUNT_RESTRICTION</c>, <c>DISABLED_UPDATE</c>, <c>VERIFIED_ACCOUNT</c>.</summary>
    public string? Event { get; init; }

    /// <summary>A ban.</summary>
    public AccountBanInfo? BanInfo { get; init; }

    /// <summary>Restrictions and when they end.</summary>
    public IReadOnlyList<AccountRestriction>? RestrictionInfo { get; init; }

    /// <summary>The violation.</summary>
    public AccountViolation? ViolationInfo { get; init; }
}

/// <summary>A ban of the account.</summary>
public sealed record AccountBanInfo
{
    /// <summary>E.g. <c>DISABLE</c>, <c>SCHEDULE_FOR_DISABLE</c>, <c>REINSTATE</c>.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? WabaBanState { get; init; }

    /// <summary>The ban date.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? WabaBanDate { get; init; }
}

/// <summary>A restriction of the account.</summary>
public sealed record AccountRestriction
{
    /// <summary>E.g. <c>RESTRICTED_BIZ_INITIATED_MESSAGING</c>.</summary>
    public string? RestrictionType { get; init; }

    /// <summary>When it ends.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? Expiration { get; init; }
}

/// <summary>A policy violation.</summary>
public sealed record AccountViolation
{
    /// <summary>E.g. <c>SCAM</c>.</summary>
    public string? ViolationType { get; init; }
}
