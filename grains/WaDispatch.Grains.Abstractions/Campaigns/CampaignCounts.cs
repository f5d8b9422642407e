namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// Where a campaign's recipients are. <see cref="Sent"/> counts every message Meta accepted (delivered and
/// read ones too), <see cref="Delivered"/> those delivered or read, <see cref="Read"/> those read.
/// </summary>
[GenerateSerializer]
[Alias("wadispatch.CampaignCounts")]
public sealed record CampaignCounts
{
    /// <summary>Rows uploaded.</summary>
    [Id(0)]
    public required int Rows { get; init; }

    /// <summary>Recipients to send to (valid rows, each recipient once).</summary>
    [Id(1)]
    public required int Recipients { get; init; }

    /// <summary>Recipients not yet sent to and not ended: queued, in a lane, or not yet reached.</summary>
    [Id(2)]
    public required long Pending { get; init; }

    /// <summary>Messages Meta accepted and did not fail afterwards (sent, delivered or read now).</summary>
    [Id(3)]
    public required long Sent { get; init; }

    /// <summary>Messages Meta reported delivered (or read).</summary>
    [Id(4)]
    public required long Delivered { get; init; }

    /// <summary>Messages Meta reported read.</summary>
    [Id(5)]
    public required long Read { get; init; }

    /// <summary>Failed messages by error code.</summary>
    [Id(6)]
    public required IReadOnlyDictionary<string, long> Failed { get; init; }

    /// <summary>Skipped recipients by reason: <c>opted_out</c>, <c>undeliverable</c>, <c>invalid</c>, <c>duplicate</c>.</summary>
    [Id(7)]
    public required IReadOnlyDictionary<string, long> Skipped { get; init; }

    /// <summary>Messages waiting for a limit to pass, by reason (<c>messaging_limit</c>, <c>marketing_cap</c>, <c>template_paused</c>, …).</summary>
    [Id(8)]
    public required IReadOnlyDictionary<string, long> Deferred { get; init; }

    /// <summary>Recipients whose message expired, or who were not reached before the campaign did.</summary>
    [Id(9)]
    public required long Expired { get; init; }

    /// <summary>Recipients never sent to because the campaign was cancelled.</summary>
    [Id(10)]
    public required long Cancelled { get; init; }
}
