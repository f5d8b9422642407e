namespace WaDispatch.Grains.Budgets;

/// <summary>How a batch of new recipients fits a messaging limit.</summary>
/// <param name="Requested">Recipients asked about, each assumed new to the budget.</param>
/// <param name="FitsNow">How many can be reached now.</param>
/// <param name="AllFitBy">When the last of them can be reached, if the rest go as soon as places free.</param>
/// <param name="NextCapacityAt">When the next place frees, while the budget is full.</param>
[GenerateSerializer]
[Alias("wadispatch.BudgetPreflight")]
public sealed record BudgetPreflight(int Requested, int FitsNow, DateTimeOffset AllFitBy, DateTimeOffset? NextCapacityAt);
