namespace WaDispatch.Grains.Lanes;

/// <summary>What a phone number's lane persists: its configuration and a stop that outlives restarts.</summary>
public sealed class LaneSettings
{
    /// <summary>The throughput tier in messages per second; null for the configured default.</summary>
    public int? ThroughputMps { get; set; }

    /// <summary>The business portfolio whose messaging limit this number draws on; null when it is its own.</summary>
    public string? BusinessId { get; set; }

    /// <summary>The number as users see it, e.g. <c>+1 555-0100</c>.</summary>
    public string? DisplayPhoneNumber { get; set; }

    /// <summary>The name of the configured access token this number sends with (<c>CloudApi:AccessTokens:{name}</c>).</summary>
    public string? TokenReference { get; set; }

    /// <summary>The WhatsApp Business Account whose templates the number sends.</summary>
    public string? WabaId { get; set; }

    /// <summary>Why the lane stopped on its own (Meta refused its sends); null while it is not.</summary>
    public LaneStopReason? StopReason { get; set; }

    /// <summary>Why its account stopped it (a ban or restriction of its WABA); null while it is not. Kept apart from <see cref="StopReason"/>: the account's recovery ends this stop only.</summary>
    public LaneStopReason? AccountStopReason { get; set; }
}
