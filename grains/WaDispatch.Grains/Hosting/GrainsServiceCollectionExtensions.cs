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
using WaDispatch.Grains.Wabas;
using WaDispatch.Grains.Webhooks;
using Orleans.Configuration;
using Orleans.Runtime;
using WaDispatch.Grains.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what WaDispatch's grains stand on, on a silo.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the services WaDispatch's grains use and the silo's own workers: the message ledger and
    /// <see cref="MessageService"/>, the dispatcher, campaigns (<see cref="CampaignService"/>), webhook processing,
    /// status callbacks and events, template sync, and their options (sections <c>Lanes</c>, <c>Budgets</c>,
    /// <c>Recipients</c>, <c>Templates</c>, <c>Messages</c> and <c>Callbacks</c> when bound by the host). Orleans
    /// finds the grains themselves. Needs storage and an upstream (<c>AddWaDispatchStorage</c>, <c>AddCloudApiClient</c>).
    /// </summary>
    public static IServiceCollection AddWaDispatchGrains(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LaneOptions>().ValidateOnStart();
        services.AddOptions<BudgetOptions>().ValidateOnStart();
        services.AddOptions<RecipientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LaneOptions>, LaneOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BudgetOptions>, BudgetOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecipientOptions>, RecipientOptionsValidator>());
        // Recipients are many and short-lived: Orleans collects them after their own idle age, not its default 15 minutes,
        // and sweeps at least three times in that age (its default quantum is a minute).
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<RecipientOptions>>((collection, recipients) =>
        {
            var age = recipients.Value.IdleCollectionAge;
            collection.ClassSpecificCollectionAge[typeof(RecipientGrain).FullName!] = age;
            if (age > TimeSpan.Zero && collection.CollectionQuantum > age / 3)
            {
                collection.CollectionQuantum = age / 3;
            }
        });
        services.AddTransient<IConfigurationValidator, RecipientCollectionValidator>();

        // Orleans caches a grain's address after the grain is collected; recipients are one grain per user sent to.
        services.AddOptions<GrainDirectoryOptions>().Configure<IOptions<RecipientOptions>>((directory, recipients) =>
            directory.CacheSize = recipients.Value.DirectoryCacheSize);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DispatchMetrics>();
        services.TryAddSingleton<LaneRoutes>();
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
        services.TryAddSingleton<CampaignService>();
        services.AddOptions<WebhookOptions>();
        services.TryAddSingleton<WebhookProcessor>();
        services.TryAddSingleton<WebhookClientCertificates>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookProcessor>(sp => sp.GetRequiredService<WebhookProcessor>()));
        services.TryAddSingleton<TemplateCatalogSync>();
        services.AddOptions<TemplateOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TemplateOptions>, TemplateOptionsValidator>());
        services.AddOptions<WebhookOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton<WabaSubscriptionService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WabaSubscriptionService>(sp => sp.GetRequiredService<WabaSubscriptionService>()));
        services.TryAddSingleton<TemplateSyncService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TemplateSyncService>(sp => sp.GetRequiredService<TemplateSyncService>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StatusEventsForwarder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, LaneWake>());
        services.TryAddSingleton<LocalLanes>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, LocalLanes>(sp => sp.GetRequiredService<LocalLanes>()));
        return services;
    }
}
