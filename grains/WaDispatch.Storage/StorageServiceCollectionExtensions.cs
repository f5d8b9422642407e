using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WaDispatch.Storage;
using WaDispatch.Storage.Accounts;
using WaDispatch.Storage.Budgets;
using WaDispatch.Storage.Campaigns;
using WaDispatch.Storage.Messages;
using WaDispatch.Storage.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers WaDispatch's storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="StorageDatabase"/>, WaDispatch's stores, and a hosted service that migrates the schema
    /// at start-up (including the tables and queries of Orleans' ADO.NET grain storage). Register it before Orleans so
    /// that the schema is current before the silo starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Chooses the engine, e.g. <c>o => o.UsePostgres(connectionString)</c>.</param>
    public static IServiceCollection AddWaDispatchStorage(this IServiceCollection services, Action<StorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StorageOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(StorageDatabase)))
        {
            return services;
        }

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.AddSingleton(sp => StorageDatabase.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<MessagingBudgetStore>();
        services.AddSingleton<MessageLedgerStore>();
        services.AddSingleton<CallbackOutboxStore>();
        services.AddSingleton<WebhookInboxStore>();
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<AccountEventStore>();
        services.AddSingleton<IHostedService, SchemaMigrationService>();
        return services;
    }
}
