using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Budgets;

/// <summary>A messaging-limit tier: how many unique recipients a business may reach outside a customer-service window in a moving 24 h.</summary>
public enum MessagingLimitTier
{
    /// <summary>50 recipients (older rule for unverified businesses).</summary>
    [JsonStringEnumMemberName("TIER_50")]
    Tier50,

    /// <summary>250 recipients: where every business starts.</summary>
    [JsonStringEnumMemberName("TIER_250")]
    Tier250,

    /// <summary>1,000 recipients (older ladder).</summary>
    [JsonStringEnumMemberName("TIER_1K")]
    Tier1K,

    /// <summary>2,000 recipients (today's ladder).</summary>
    [JsonStringEnumMemberName("TIER_2K")]
    Tier2K,

    /// <summary>10,000 recipients.</summary>
    [JsonStringEnumMemberName("TIER_10K")]
    Tier10K,

    /// <summary>100,000 recipients.</summary>
    [JsonStringEnumMemberName("TIER_100K")]
    Tier100K,

    /// <summary>No limit.</summary>
    [JsonStringEnumMemberName("TIER_UNLIMITED")]
    Unlimited,
}
