namespace WaDispatch.Grains.Budgets;

/// <summary>Who asks for budget, which decides what happens when it is spent.</summary>
public enum BudgetRequester
{
    /// <summary>A direct send: refused at once with <c>MessagingLimitReached</c> and when capacity returns.</summary>
    Direct,

    /// <summary>A campaign send: deferred until capacity returns, never failed.</summary>
    Campaign,
}
