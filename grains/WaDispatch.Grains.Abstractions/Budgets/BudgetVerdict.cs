using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Budgets;

/// <summary>The answer to a <see cref="BudgetCharge"/>.</summary>
public enum BudgetVerdict
{
    /// <summary>Send; it costs nothing (the window is open, the recipient is counted already, or the tier is unlimited).</summary>
    [JsonStringEnumMemberName("free")]
    Free,

    /// <summary>Send; the recipient took one place of the budget.</summary>
    [JsonStringEnumMemberName("charged")]
    Charged,

    /// <summary>Budget spent; a campaign send waits until <see cref="BudgetDecision.RetryAt"/>.</summary>
    [JsonStringEnumMemberName("deferred")]
    Deferred,

    /// <summary>Budget spent; a direct send is refused with <see cref="BudgetDecision.Error"/>.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,
}
