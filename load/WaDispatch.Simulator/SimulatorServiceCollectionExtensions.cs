using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Simulator.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Cloud API simulator.</summary>
public static class SimulatorServiceCollectionExtensions
{
    /// <summary>Registers <see cref="CloudApiSimulator"/> and its webhook sender; map its endpoints with <c>MapCloudApiSimulator</c>.</summary>
    public static IServiceCollection AddCloudApiSimulator(this IServiceCollection services, Action<SimulatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SimulatorOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookTls.Handler(sp.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue));
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<TemplateStore>();
        services.TryAddSingleton<WebhookSubscriptions>();
        services.AddHttpClient(SubscriptionEndpoints.VerificationClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookTls.Handler(sp.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue));
        services.TryAddSingleton<CloudApiSimulator>();
        return services;
    }
}
