using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WaDispatch.Grains;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Runtime.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers WaDispatch's domain grains.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the phone-number lanes and business budgets with the grain runtime, and their options
    /// (sections <c>Lanes</c> and <c>Budgets</c> when bound by the host). Needs storage and an upstream
    /// (<c>AddWaDispatchStorage</c>, <c>AddCloudApiClient</c>).
    /// </summary>
    public static GrainRuntimeBuilder AddWaDispatchGrains(this GrainRuntimeBuilder grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var services = grains.Services;
        services.AddOptions<LaneOptions>().ValidateOnStart();
        services.AddOptions<BudgetOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LaneOptions>, LaneOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>, BudgetOptionsValidator>());
        grains.AddGrain<IPhoneNumberGrain, PhoneNumberGrain>(
            context => ActivatorUtilities.CreateInstance<PhoneNumberGrain>(
                context.Services,
                context.GetPersistentState("settings", GrainStateJsonContext.Default.LaneSettings)),
            o => o.Name = "phone-number");
        grains.AddGrain<IBusinessGrain, BusinessGrain>(
            context => ActivatorUtilities.CreateInstance<BusinessGrain>(
                context.Services,
                context.GetPersistentState("settings", GrainStateJsonContext.Default.BusinessSettings)),
            o => o.Name = "business");
        return grains;
    }
}
