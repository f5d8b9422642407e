using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WaDispatch.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the remote WaDispatch client (HTTP or gRPC).</summary>
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

    /// <summary>
    /// Registers <see cref="IWaDispatcher"/> talking to a silo over gRPC (<c>wadispatch.v1.Dispatcher</c>, one HTTP/2
    /// channel shared by every call). Options are validated at start-up, naming the setting that is wrong.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="WaDispatchGrpcClientOptions.Address"/>, the API key and retries.</param>
    public static IServiceCollection AddWaDispatchGrpcClient(this IServiceCollection services, Action<WaDispatchGrpcClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<WaDispatchGrpcClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WaDispatchGrpcClientOptions>, WaDispatchGrpcClientOptionsValidator>());
        services.AddSingleton<GrpcWaDispatcher>();
        services.AddSingleton<IWaDispatcher>(sp => sp.GetRequiredService<GrpcWaDispatcher>());
        return services;
    }
}
