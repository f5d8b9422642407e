using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Budgets;

/// <summary>A business's messaging limit as an operator sets it (<c>PUT /v1/businesses/{id}</c>).</summary>
/// <param name="Tier">The tier; null for the configured default.</param>
/// <param name="Scope">One budget for the portfolio (today's rule) or one per number (older rule).</param>
/// <param name="OptOutKeywords">Texts that opt a user out of templates; null for the defaults.</param>
/// <param name="OptInKeywords">Texts that opt a user back in; null for the default.</param>
[GenerateSerializer]
[Alias("wadispatch.BusinessConfiguration")]
public sealed record BusinessConfiguration(
    [property: JsonPropertyName("messaging_limit_tier")] MessagingLimitTier? Tier,
    BudgetScope Scope,
    IReadOnlyList<string>? OptOutKeywords = null,
    IReadOnlyList<string>? OptInKeywords = null);
