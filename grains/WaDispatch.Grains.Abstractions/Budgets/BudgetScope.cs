using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Budgets;

/// <summary>Who shares a messaging limit.</summary>
public enum BudgetScope
{
    /// <summary>Today's rule: every number of the business portfolio draws on one budget.</summary>
    [JsonStringEnumMemberName("business")]
    Business,

    /// <summary>The older rule: each phone number has a budget of its own, of the business's tier.</summary>
    [JsonStringEnumMemberName("phone_number")]
    PhoneNumber,
}
