namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// Where a campaign's recipients are. <see cref="Sent"/> counts every message Meta accepted (delivered and
/// read ones too), <see cref="Delivered"/> those delivered or read, <see cref="Read"/> those read.
/// </summary>
public sealed record CampaignCounts
{
    /// <summary>Rows uploaded.</summary>
    public required int Rows { get; init; }

    /// <summary>Recipients to send to (valid rows, each recipient once).</summary>
    public required int Recipients { get; init; }

    /// <summary>Recipients not yet sent to and not ended: queued, in a lane, or not yet reached.</summary>
    public required long Pending { get; init; }

    /// <summary>Messages Meta accepted and did not fail afterwards (sent, delivered or read now).</summary>
    public required long Sent { get; init; }

    /// <summary>Messages Meta reported delivered (or read).</summary>
    public required long Delivered { get; init; }

    /// <summary>Messages Meta reported read.</summary>
    public required long Read { get; init; }

    /// <summary>Failed messages by error code.</summary>
    public required IReadOnlyDictionary<string, long> Failed { get; init; }

    /// <summary>Skipped recipients by reason: <c>opted_out</c>, <c>undeliverable</c>, <c>invalid</c>, <c>duplicate</c>.</summary>
    public required IReadOnlyDictionary<string, long> Skipped { get; init; }

    /// <summary>Messages waiting for a limit to pass, by reason (<c>messaging_limit</c>, <c>marketing_cap</c>, <c>template_paused</c>, …).</summary>
    public required IReadOnlyDictionary<string, long> Deferred { get; init; }

    /// <summary>Recipients whose message expired, or who were not reached before the campaign did.</summary>
    public required long Expired { get; init; }

    /// <summary>Recipients never sent to because the campaign was cancelled.</summary>
    public required long Cancelled { get; init; }
}
