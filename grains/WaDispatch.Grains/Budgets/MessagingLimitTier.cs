namespace WaDispatch.Grains.Budgets;

/// <summary>A messaging-limit tier: how many unique recipients a business may reach outside a customer-service window in a moving 24 h.</summary>
public enum MessagingLimitTier
{
    /// <summary>50 recipients (older rule for unverified businesses).</summary>
    Tier50,

    /// <summary>250 recipients: where every business starts.</summary>
    Tier250,

    /// <summary>1,000 recipients (older ladder).</summary>
    Tier1K,

    /// <summary>2,000 recipients (today's ladder).</summary>
    Tier2K,

    /// <summary>10,000 recipients.</summary>
    Tier10K,

    /// <summary>100,000 recipients.</summary>
    Tier100K,

    /// <summary>No limit.</summary>
    Unlimited,
}
