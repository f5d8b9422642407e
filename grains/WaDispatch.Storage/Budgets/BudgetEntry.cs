namespace WaDispatch.Storage.Budgets;

/// <summary>One recipient counted against a business's messaging limit, and when.</summary>
/// <param name="BusinessId">The business portfolio.</param>
/// <param name="PhoneNumberId">The number that reached the recipient.</param>
/// <param name="WaId">The recipient.</param>
/// <param name="CountedAt">When the recipient last used budget.</param>
public readonly record struct BudgetEntry(string BusinessId, string PhoneNumberId, string WaId, DateTimeOffset CountedAt);
