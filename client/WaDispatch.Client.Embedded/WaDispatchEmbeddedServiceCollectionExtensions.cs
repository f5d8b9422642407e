using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Serialization;
using WaDispatch.Client;
using WaDispatch.Grains;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IWaDispatcher"/> as an Orleans client of the WaDispatch silos.</summary>
public static class WaDispatchEmbeddedServiceCollectionExtensions
{
    /// <summary>
    /// Embeds WaDispatch in a backend service: <see cref="IWaDispatcher"/> calls the silos' grains directly through
    /// their Orleans gateway (<c>IClusterClient</c>), with the same idempotency, results and errors as the HTTP
    /// client, minus the HTTP hop and its JSON. The dispatcher itself runs in the silos; the client connects when the
    /// host starts, retrying for a while if the silos are not up yet.
    /// </summary>
    public static IServiceCollection AddWaDispatch(this IServiceCollection services, Action<WaDispatchEmbeddedOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new WaDispatchEmbeddedOptions();
        configure?.Invoke(options);
        var gateways = options.Gateways.Count > 0 ? [.. options.Gateways] : new[] { WaDispatchEmbeddedOptions.DefaultGateway };
        services.AddOrleansClient(client =>
        {
            if (options.ClusterDatabase is { } database)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = database;
                });
            }
            else
            {
                client.UseStaticClustering(gateways);
            }

            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            client.Services.AddSerializer(serializer => serializer.AddWaDispatchContracts());
        });
        services.TryAddSingleton<IWaDispatcher, EmbeddedWaDispatcher>();
        return services;
    }
}
