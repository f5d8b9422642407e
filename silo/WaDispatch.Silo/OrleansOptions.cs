namespace WaDispatch.Silo;

/// <summary>The silo's Orleans settings (configuration section <c>Orleans</c>).</summary>
public sealed class OrleansOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Orleans";

    /// <summary>The port silos talk to each other on. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients (an embedded <c>IWaDispatcher</c>) connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The cluster's id: silos with the same one form a cluster. Default <c>wadispatch</c>.</summary>
    public string ClusterId { get; set; } = "wadispatch";

    /// <summary>
    /// The service's id: stored with every grain state and reminder, so it must never change for a deployment (a new
    /// one starts from empty grain state). Default <c>wadispatch</c>.
    /// </summary>
    public string ServiceId { get; set; } = "wadispatch";

    /// <summary>
    /// How silos find each other: <see cref="OrleansClustering.Localhost"/> (one silo, the default) or
    /// <see cref="OrleansClustering.AdoNet"/> (a cluster sharing the PostgreSQL storage database's membership table;
    /// reminders then live there too).
    /// </summary>
    /// <remarks>
    /// Not <c>Orleans:Clustering</c>: Orleans reads that key itself as a provider section of its own configuration model
    /// (<c>Orleans:Clustering:ProviderType</c>) and fails at start-up on a plain value.
    /// </remarks>
    public OrleansClustering Membership { get; set; } = OrleansClustering.Localhost;

    /// <summary>
    /// The IP address other silos and clients reach this silo at (AdoNet clustering): the silo listens on every
    /// address and publishes this one in the membership table. Default: this host's first IPv4 address that is not
    /// loopback, or loopback when it has none.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// How long a probe of another silo may go unanswered (AdoNet clustering). A silo missing three probes in a row is
    /// voted dead and its grains come back on the others; see docs/operations.md for the time that takes. Default 2 s
    /// (Orleans' own is 5 s).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>How silos find each other (<see cref="OrleansOptions.Membership"/>).</summary>
public enum OrleansClustering
{
    /// <summary>One silo on this machine: Orleans' development clustering on loopback, reminders in memory.</summary>
    Localhost,

    /// <summary>A cluster on PostgreSQL: membership and reminders through Orleans' ADO.NET providers.</summary>
    AdoNet,
}
