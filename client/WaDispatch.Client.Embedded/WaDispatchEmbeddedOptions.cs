using System.Net;

namespace WaDispatch.Client;

/// <summary>
/// How a backend service reaches the WaDispatch silos it embeds WaDispatch from: their Orleans gateways (listed here, or
/// read from the cluster's membership table), and the cluster they form.
/// </summary>
public sealed class WaDispatchEmbeddedOptions
{
    /// <summary>The default gateway: a silo on this machine with its default <c>Orleans:GatewayPort</c>.</summary>
    public static readonly IPEndPoint DefaultGateway = new(IPAddress.Loopback, 30000);

    /// <summary>The silos' gateways (each silo's <c>Orleans:GatewayPort</c>); default <see cref="DefaultGateway"/>.</summary>
    public IList<IPEndPoint> Gateways { get; } = [];

    /// <summary>The silos' <c>Orleans:ClusterId</c>. Default <c>wadispatch</c>.</summary>
    public string ClusterId { get; set; } = "wadispatch";

    /// <summary>The silos' <c>Orleans:ServiceId</c>. Default <c>wadispatch</c>.</summary>
    public string ServiceId { get; set; } = "wadispatch";

    /// <summary>
    /// The connection string of the cluster's PostgreSQL database (its <c>Storage:ConnectionString</c>), for silos with
    /// <c>Orleans:Membership=AdoNet</c>: the client then reads the live gateways from the membership table, follows the
    /// cluster as silos come and go, and <see cref="Gateways"/> is not used.
    /// </summary>
    public string? ClusterDatabase { get; set; }

    /// <summary>Adds a gateway: <c>host:port</c> of a silo's <c>Orleans:GatewayPort</c>.</summary>
    public WaDispatchEmbeddedOptions AddGateway(IPAddress address, int port)
    {
        Gateways.Add(new IPEndPoint(address, port));
        return this;
    }
}
