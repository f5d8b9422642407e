using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WaDispatch.Grains;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Runtime.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers WaDispatch's domain grains.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the phone-number lanes, business budgets, recipients and template catalogs with the grain runtime, the
    /// message ledger and <see cref="MessageService"/>, campaigns and <see cref="CampaignRunner"/>, and their options (sections <c>Lanes</c>, <c>Budgets</c>, <c>Recipients</c>, <c>Templates</c> and <c>Messages</c> when bound by the host). Needs storage and an upstream
    /// (<c>AddWaDispatchStorage</c>, <c>AddCloudApiClient</c>).
    /// </summary>
    public static GrainRuntimeBuilder AddWaDispatchGrains(this GrainRuntimeBuilder grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var services = grains.Services;
        services.AddOptions<LaneOptions>().ValidateOnStart();
        services.AddOptions<BudgetOptions>().ValidateOnStart();
        services.AddOptions<RecipientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LaneOptions>, LaneOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>, BudgetOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecipientOptions>, RecipientOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<DispatchMetrics>();
        services.TryAddSingleton<MessageDispatcher>();
        services.AddOptions<MessageOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageOptions>, MessageOptionsValidator>());
        services.AddOptions<CallbackOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallbackOptions>, CallbackOptionsValidator>());
        services.AddHttpClient(CallbackSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CallbackSender>());
        services.TryAddSingleton<MessageEvents>();
        services.TryAddSingleton<MessageLedger>();
        services.TryAddSingleton<MessageService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MessageService>(sp => sp.GetRequiredService<MessageService>()));
        services.TryAddSingleton<CampaignRunner>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CampaignRunner>(sp => sp.GetRequiredService<CampaignRunner>()));
        services.AddOptions<WebhookOptions>();
        services.TryAddSingleton<WebhookProcessor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookProcessor>(sp => sp.GetRequiredService<WebhookProcessor>()));
        services.TryAddSingleton<TemplateCatalogSync>();
        services.AddOptions<TemplateOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TemplateOptions>, TemplateOptionsValidator>());
        services.TryAddSingleton<TemplateSyncService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TemplateSyncService>(sp => sp.GetRequiredService<TemplateSyncService>()));
        grains.AddGrain<IPhoneNumberGrain, PhoneNumberGrain>(
            context => ActivatorUtilities.CreateInstance<PhoneNumberGrain>(
                context.Services,
                context.GetPersistentState("settings", GrainStateJsonContext.Default.LaneSettings)),
            o => o.Name = "phone-number");
        grains.AddGrain<IPhoneNumberDirectoryGrain, PhoneNumberDirectoryGrain>(
            context => new PhoneNumberDirectoryGrain(context.GetPersistentState("entry", GrainStateJsonContext.Default.PhoneNumberDirectoryState)),
            o => o.Name = "phone-number-directory");
        grains.AddGrain<IBusinessGrain, BusinessGrain>(
            context => ActivatorUtilities.CreateInstance<BusinessGrain>(
                context.Services,
                context.GetPersistentState("settings", GrainStateJsonContext.Default.BusinessSettings)),
            o => o.Name = "business");
        grains.AddGrain<IRecipientGrain, RecipientGrain>(
            context => ActivatorUtilities.CreateInstance<RecipientGrain>(
                context.Services,
                context.GetPersistentState("state", GrainStateJsonContext.Default.RecipientState)),
            o =>
            {
                o.Name = "recipient";
                o.CollectionAge = RecipientGrain.CollectionAge;
            });
        grains.AddGrain<ITemplateCatalogGrain, TemplateCatalogGrain>(
            context => new TemplateCatalogGrain(context.GetPersistentState("catalog", GrainStateJsonContext.Default.TemplateCatalogState)),
            o => o.Name = "template-catalog");
        grains.AddGrain<ITemplateRegistryGrain, TemplateRegistryGrain>(
            context => new TemplateRegistryGrain(context.GetPersistentState("registry", GrainStateJsonContext.Default.TemplateRegistryState)),
            o => o.Name = "template-registry");
        grains.AddGrain<ICampaignGrain, CampaignGrain>(
            context => new CampaignGrain(context.GetPersistentState("campaign", GrainStateJsonContext.Default.CampaignState)),
            o => o.Name = "campaign");
        grains.AddGrain<ICampaignRegistryGrain, CampaignRegistryGrain>(
            context => new CampaignRegistryGrain(context.GetPersistentState("registry", GrainStateJsonContext.Default.CampaignRegistryState)),
            o => o.Name = "campaign-registry");
        grains.AddGrain<ICampaignKeyGrain, CampaignKeyGrain>(
            context => new CampaignKeyGrain(context.GetPersistentState("key", GrainStateJsonContext.Default.CampaignKeyState)),
            o => o.Name = "campaign-key");
        return grains;
    }
}
