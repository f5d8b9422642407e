namespace WaDispatch.Grains.Budgets;

/// <summary>A request for messaging-limit budget, made before a send goes to the lane.</summary>
/// <param name="PhoneNumberId">The number that will send.</param>
/// <param name="WaId">The recipient.</param>
/// <param name="WindowOpen">Whether the recipient's customer-service window is open: then the send costs nothing.</param>
/// <param name="Origin">A direct send (refused when the budget is spent) or a campaign send (deferred).</param>
[GenerateSerializer]
[Alias("wadispatch.BudgetCharge")]
public sealed record BudgetCharge(string PhoneNumberId, string WaId, bool WindowOpen, SendOrigin Origin);
