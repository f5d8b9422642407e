namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of an <c>account_alerts</c> change.</summary>
public sealed record AccountAlertsValue
{
    /// <summary>E.g. <c>BUSINESS</c>, <c>WABA</c>, <c>PHONE_NUMBER</c>.</summary>
    public string? EntityType { get; init; }

    /// <summary>The entity's id.</summary>
    public string? EntityId { get; init; }

    /// <summary>The alert.</summary>
    public AccountAlertInfo? AlertInfo { get; init; }
}

/// <summary>An account alert.</summary>
public sealed record AccountAlertInfo
{
    /// <summary>E.g. <c>CRITICAL</c>, <c>WARNING</c>, <c>INFORMATIONAL</c>.</summary>
    public string? AlertSeverity { get; init; }

    /// <summary>E.g. <c>ACTIVE</c>, <c>NONE</c>.</summary>
    public string? AlertStatus { get; init; }

    /// <summary>E.g. <c>OBA_APPROVED</c>, <c>INCREASED_CAPABILITIES_ELIGIBILITY_FAILED</c>.</summary>
    public string? AlertType { get; init; }

    /// <summary>The explanation.</summary>
    public string? AlertDescription { get; init; }
}
