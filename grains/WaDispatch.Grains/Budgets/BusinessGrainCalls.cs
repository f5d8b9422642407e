using WaDispatch.Grains.Recipients;
using WaDispatch.Runtime;

namespace WaDispatch.Grains.Budgets;

/// <summary>Calls on a <see cref="IBusinessGrain"/> reference that read like method calls.</summary>
public static class BusinessGrainCalls
{
    /// <inheritdoc cref="IBusinessGrain.ChargeAsync"/>
    public static ValueTask<BudgetDecision> ChargeAsync(this GrainReference<IBusinessGrain> business, BudgetCharge charge) =>
        business.InvokeAsync(static (g, c) => g.ChargeAsync(c), charge);

    /// <inheritdoc cref="IBusinessGrain.RecordSentAsync"/>
    public static ValueTask RecordSentAsync(this GrainReference<IBusinessGrain> business, string phoneNumberId, string waId, DateTimeOffset sentAt) =>
        business.InvokeAsync(static (g, a) => g.RecordSentAsync(a.phoneNumberId, a.waId, a.sentAt), (phoneNumberId, waId, sentAt));

    /// <inheritdoc cref="IBusinessGrain.PreflightAsync"/>
    public static ValueTask<BudgetPreflight> PreflightAsync(this GrainReference<IBusinessGrain> business, string phoneNumberId, int recipients) =>
        business.InvokeAsync(static (g, a) => g.PreflightAsync(a.phoneNumberId, a.recipients), (phoneNumberId, recipients));

    /// <inheritdoc cref="IBusinessGrain.ConfigureAsync"/>
    public static ValueTask<BusinessSnapshot> ConfigureAsync(this GrainReference<IBusinessGrain> business, BusinessConfiguration configuration) =>
        business.InvokeAsync(static (g, c) => g.ConfigureAsync(c), configuration);

    /// <inheritdoc cref="IBusinessGrain.SetTierAsync"/>
    public static ValueTask<BusinessSnapshot> SetTierAsync(this GrainReference<IBusinessGrain> business, MessagingLimitTier tier) =>
        business.InvokeAsync(static (g, t) => g.SetTierAsync(t), tier);

    /// <inheritdoc cref="IBusinessGrain.GetKeywordPolicyAsync"/>
    public static ValueTask<KeywordPolicy> GetKeywordPolicyAsync(this GrainReference<IBusinessGrain> business) =>
        business.InvokeAsync(static g => g.GetKeywordPolicyAsync());

    /// <inheritdoc cref="IBusinessGrain.GetSnapshotAsync"/>
    public static ValueTask<BusinessSnapshot> GetSnapshotAsync(this GrainReference<IBusinessGrain> business) =>
        business.InvokeAsync(static g => g.GetSnapshotAsync());
}
