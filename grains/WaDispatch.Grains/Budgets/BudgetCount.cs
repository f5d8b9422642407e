namespace WaDispatch.Grains.Budgets;

/// <summary>What counting one recipient did to a budget.</summary>
internal enum BudgetCount
{
    /// <summary>A new recipient took a place.</summary>
    Counted,

    /// <summary>The recipient was counted already; its 24 h restart, at no cost.</summary>
    Refreshed,

    /// <summary>No place is free.</summary>
    Full,
}
