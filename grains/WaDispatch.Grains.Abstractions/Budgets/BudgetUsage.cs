namespace WaDispatch.Grains.Budgets;

/// <summary>One budget's use.</summary>
/// <param name="PhoneNumberId">The number the budget belongs to in per-number scope; null for the portfolio's budget.</param>
/// <param name="Used">Unique recipients counted in the moving 24 h (0 while unlimited: nothing is tracked).</param>
/// <param name="Remaining">Places left; null when unlimited.</param>
/// <param name="NextCapacityAt">When the next place frees; null when none is counted.</param>
[GenerateSerializer]
[Alias("wadispatch.BudgetUsage")]
public sealed record BudgetUsage(string? PhoneNumberId, int Used, int? Remaining, DateTimeOffset? NextCapacityAt);
