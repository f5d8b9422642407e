namespace WaDispatch.Grains.Budgets;

/// <summary>Settings of the messaging-limit budgets (configuration section <c>Budgets</c>).</summary>
public sealed class BudgetOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Budgets";

    /// <summary>
    /// The tier of a business nobody configured, as a wire name. Default <c>TIER_250</c>, where Meta
    /// starts every business: unknown means careful.
    /// </summary>
    public string DefaultTier { get; set; } = "TIER_250";
}
