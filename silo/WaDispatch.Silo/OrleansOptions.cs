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
}
