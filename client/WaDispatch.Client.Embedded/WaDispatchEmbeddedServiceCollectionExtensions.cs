using Microsoft.Extensions.DependencyInjection.Extensions;
using WaDispatch.Client;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts WaDispatch inside the caller's process.</summary>
public static class WaDispatchEmbeddedServiceCollectionExtensions
{
    /// <summary>
    /// Registers the grain runtime, storage (migrated at start-up), the domain grains and their hosted services,
    /// and <see cref="IWaDispatcher"/> calling them directly (no HTTP hop). Run it in a host; map Meta's webhooks
    /// with <c>app.MapWhatsAppWebhooks()</c> so that statuses and inbound messages arrive. Settings are validated
    /// at start-up, naming the one that is wrong.
    /// </summary>
    public static IServiceCollection AddWaDispatch(this IServiceCollection services, Action<WaDispatchEmbeddedOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new WaDispatchEmbeddedOptions();
        configure(options);
        services.AddWaDispatchStorage(options.Storage);
        services.AddCloudApiClient(c =>
        {
            c.BaseAddress = options.UpstreamBaseAddress ?? c.BaseAddress;
            c.AccessToken = options.AccessToken;
            c.ApiVersion = options.ApiVersion;
        });
        services.AddGrainRuntime().AddWaDispatchGrains();
        services.Configure<WebhookOptions>(w =>
        {
            w.AppSecret = options.WebhookAppSecret;
            w.VerifyToken = options.WebhookVerifyToken;
        });
        services.Configure<CallbackOptions>(c => c.Secret = options.CallbackSecret);
        services.TryAddSingleton<IWaDispatcher, EmbeddedWaDispatcher>();
        return services;
    }
}
