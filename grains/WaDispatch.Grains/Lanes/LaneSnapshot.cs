namespace WaDispatch.Grains.Lanes;

/// <summary>A lane as an operator sees it (<c>GET /v1/phone-numbers/{id}</c>).</summary>
public sealed record LaneSnapshot
{
    /// <summary>The phone number id.</summary>
    public required string PhoneNumberId { get; init; }

    /// <summary>The throughput tier in messages per second.</summary>
    public required int ThroughputMps { get; init; }

    /// <summary>Whether the tier is the configured default rather than set for this number.</summary>
    public required bool ThroughputIsDefault { get; init; }

    /// <summary>The rate the lane paces at now: the tier less headroom, lowered after 130429s while it recovers.</summary>
    public required double PacedMps { get; init; }

    /// <summary>Sends that went upstream in the last second.</summary>
    public required long OutboundPerSecond { get; init; }

    /// <summary>Inbound messages reported in the last second; they count against the tier too.</summary>
    public required long InboundPerSecond { get; init; }

    /// <summary>Ready sends per priority class, and sends held for a retry or snooze.</summary>
    public required LaneQueueDepth Queued { get; init; }

    /// <summary>Sends upstream right now.</summary>
    public required int InFlight { get; init; }

    /// <summary>How many sends may be upstream at once right now (grows from a small start to the configured maximum).</summary>
    public required int InFlightLimit { get; init; }

    /// <summary>Running, paused or stopped.</summary>
    public required LaneStatus Status { get; init; }

    /// <summary>Why the lane is stopped, when it is.</summary>
    public LaneStopReason? StopReason { get; init; }

    /// <summary>Until when the lane is paused, when it is.</summary>
    public DateTimeOffset? PausedUntil { get; init; }

    /// <summary>The business portfolio the number belongs to.</summary>
    public string? BusinessId { get; init; }

    /// <summary>The WhatsApp Business Account whose templates the number sends.</summary>
    public string? WabaId { get; init; }

    /// <summary>The number as users see it.</summary>
    public string? DisplayPhoneNumber { get; init; }

    /// <summary>The name of the access token it sends with.</summary>
    public string? TokenReference { get; init; }

    /// <summary>Counters since the lane was activated.</summary>
    public required LaneCounters Counters { get; init; }
}
