using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Management;
using WaDispatch.CloudApi.Upstream;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the upstream Cloud API client.</summary>
public static class CloudApiServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client uses.</summary>
    public const string HttpClientName = "WaDispatch.CloudApi";

    /// <summary>The name of the <see cref="HttpClient"/> WABA management calls use: a pool of their own, apart from sends.</summary>
    public const string ManagementHttpClientName = "WaDispatch.CloudApi.Management";

    /// <summary>
    /// Registers <see cref="ICloudApi"/> as the Graph API client, and <see cref="IWabaManagement"/> for WABA management
    /// calls on a connection pool of its own, over a connection pool sized for many
    /// concurrent sends. Settings come from <see cref="CloudApiOptions"/> and are validated at start-up.
    /// </summary>
    public static IServiceCollection AddCloudApiClient(this IServiceCollection services, Action<CloudApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CloudApiOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudApiOptions>, CloudApiOptionsValidator>());
        services.AddHttpClient<ICloudApi, GraphCloudApi>(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var settings = sp.GetRequiredService<IOptions<CloudApiOptions>>().Value;
                return new SocketsHttpHandler
                {
                    MaxConnectionsPerServer = settings.MaxConnectionsPerServer,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    EnableMultipleHttp2Connections = true,
                    AutomaticDecompression = DecompressionMethods.All,
                    AllowAutoRedirect = false,
                };
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)

            // The factory's per-request logging handlers (a scope and two log calls per request) cost a measurable share
            // of the send path's CPU at 1,000 mps; GraphCloudApi logs what goes wrong itself.
            .RemoveAllLoggers();

        // Management calls are few: a small pool of their own, so that one slow or throttled never holds a send's connection.
        services.AddHttpClient<IWabaManagement, GraphWabaManagement>(ManagementHttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 4,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
                AllowAutoRedirect = false,
            })
            .RemoveAllLoggers();
        return services;
    }
}
