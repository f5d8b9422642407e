namespace WaDispatch.Grains.Budgets;

/// <summary>What a business grain persists: its tier and scope.</summary>
public sealed class BusinessSettings
{
    /// <summary>The messaging-limit tier; null for the configured default.</summary>
    public MessagingLimitTier? Tier { get; set; }

    /// <summary>Who shares the budget.</summary>
    public BudgetScope Scope { get; set; }

    /// <summary>Texts that opt a user out of templates; null for the defaults (STOP, UNSUBSCRIBE, CANCEL, END, QUIT).</summary>
    public List<string>? OptOutKeywords { get; set; }

    /// <summary>Texts that opt a user back in; null for the default (START).</summary>
    public List<string>? OptInKeywords { get; set; }
}
