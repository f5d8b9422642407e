namespace WaDispatch.Grains.Lanes;

/// <summary>A lane as an operator sees it (<c>GET /v1/phone-numbers/{id}</c>).</summary>
[GenerateSerializer]
[Alias("wadispatch.LaneSnapshot")]
public sealed record LaneSnapshot
{
    /// <summary>The phone number id.</summary>
    [Id(0)]
    public required string PhoneNumberId { get; init; }

    /// <summary>The throughput tier in messages per second.</summary>
    [Id(1)]
    public required int ThroughputMps { get; init; }

    /// <summary>Whether the tier is the configured default rather than set for this number.</summary>
    [Id(2)]
    public required bool ThroughputIsDefault { get; init; }

    /// <summary>The rate the lane paces at now: the tier less headroom, lowered after 130429s while it recovers.</summary>
    [Id(3)]
    public required double PacedMps { get; init; }

    /// <summary>Sends that went upstream in the last second.</summary>
    [Id(4)]
    public required long OutboundPerSecond { get; init; }

    /// <summary>Inbound messages reported in the last second; they count against the tier too.</summary>
    [Id(5)]
    public required long InboundPerSecond { get; init; }

    /// <summary>Ready sends per priority class, and sends held for a retry or snooze.</summary>
    [Id(6)]
    public required LaneQueueDepth Queued { get; init; }

    /// <summary>Sends upstream right now.</summary>
    [Id(7)]
    public required int InFlight { get; init; }

    /// <summary>How many sends may be upstream at once right now (grows from a small start to the configured maximum).</summary>
    [Id(8)]
    public required int InFlightLimit { get; init; }

    /// <summary>Running, paused or stopped.</summary>
    [Id(9)]
    public required LaneStatus Status { get; init; }

    /// <summary>Why the lane is stopped, when it is.</summary>
    [Id(10)]
    public LaneStopReason? StopReason { get; init; }

    /// <summary>Until when the lane is paused, when it is.</summary>
    [Id(11)]
    public DateTimeOffset? PausedUntil { get; init; }

    /// <summary>The business portfolio the number belongs to.</summary>
    [Id(12)]
    public string? BusinessId { get; init; }

    /// <summary>The WhatsApp Business Account whose templates the number sends.</summary>
    [Id(13)]
    public string? WabaId { get; init; }

    /// <summary>The number as users see it.</summary>
    [Id(14)]
    public string? DisplayPhoneNumber { get; init; }

    /// <summary>The name of the access token it sends with.</summary>
    [Id(15)]
    public string? TokenReference { get; init; }

    /// <summary>Counters since the lane was activated.</summary>
    [Id(16)]
    public required LaneCounters Counters { get; init; }
}
