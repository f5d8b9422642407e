namespace WaDispatch.Grains.Budgets;

/// <summary>What a business grain persists: its tier and scope.</summary>
public sealed class BusinessSettings
{
    /// <summary>The messaging-limit tier; null for the configured default.</summary>
    public MessagingLimitTier? Tier { get; set; }

    /// <summary>Who shares the budget.</summary>
    public BudgetScope Scope { get; set; }
}
