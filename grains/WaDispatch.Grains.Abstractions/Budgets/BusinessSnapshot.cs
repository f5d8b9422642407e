using System.Text.Json.Serialization;
using WaDispatch.Grains.Recipients;

namespace WaDispatch.Grains.Budgets;

/// <summary>A business's messaging limit and what is used of it (<c>GET /v1/businesses/{id}</c>).</summary>
/// <param name="BusinessId">The business portfolio id.</param>
/// <param name="Tier">The tier.</param>
/// <param name="TierIsDefault">Whether the tier is the configured default rather than set for this business.</param>
/// <param name="Capacity">Unique recipients per moving 24 h; null when unlimited.</param>
/// <param name="Scope">Who shares the budget.</param>
/// <param name="Budgets">The portfolio's budget, or one per number that used budget in per-number scope.</param>
/// <param name="Keywords">The opt-out and opt-in keywords read from users' messages.</param>
[GenerateSerializer]
[Alias("wadispatch.BusinessSnapshot")]
public sealed record BusinessSnapshot(
    string BusinessId,
    [property: JsonPropertyName("messaging_limit_tier")] MessagingLimitTier Tier,
    [property: JsonPropertyName("messaging_limit_tier_is_default")] bool TierIsDefault, int? Capacity, BudgetScope Scope, IReadOnlyList<BudgetUsage> Budgets, KeywordPolicy Keywords);
