using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WaDispatch.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the remote WaDispatch client.</summary>
public static class WaDispatchClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWaDispatcher"/> talking to a silo over HTTP (through <c>IHttpClientFactory</c>).
    /// Options are validated at start-up (and at first use), naming the setting that is wrong.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="WaDispatchClientOptions.BaseAddress"/>, the API key and retries.</param>
    /// <returns>The <see cref="IHttpClientBuilder"/> of the client's <see cref="HttpClient"/>, for adding handlers.</returns>
    public static IHttpClientBuilder AddWaDispatchClient(this IServiceCollection services, Action<WaDispatchClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<WaDispatchClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WaDispatchClientOptions>, WaDispatchClientOptionsValidator>());
        return services.AddHttpClient<IWaDispatcher, RemoteWaDispatcher>();
    }
}
