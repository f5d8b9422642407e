using WaDispatch.Grains.Budgets;

namespace WaDispatch.Grains.Campaigns;

/// <summary>A campaign as its owner sees it (<c>GET /v1/campaigns/{id}</c>).</summary>
[GenerateSerializer]
[Alias("wadispatch.CampaignView")]
public sealed record CampaignView
{
    /// <summary>The campaign id.</summary>
    [Id(0)]
    public required string Id { get; init; }

    /// <summary>Where it is.</summary>
    [Id(1)]
    public required CampaignStatus Status { get; init; }

    /// <summary>Why it is paused.</summary>
    [Id(2)]
    public string? PauseReason { get; init; }

    /// <summary>The business number that sends.</summary>
    [Id(3)]
    public required string PhoneNumberId { get; init; }

    /// <summary>The template's name.</summary>
    [Id(4)]
    public required string TemplateName { get; init; }

    /// <summary>The template's language.</summary>
    [Id(5)]
    public required string TemplateLanguage { get; init; }

    /// <summary>The template's category (from the catalog when it knows the template).</summary>
    [Id(6)]
    public required string Category { get; init; }

    /// <summary>When it was created.</summary>
    [Id(7)]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When sending may start.</summary>
    [Id(8)]
    public required DateTimeOffset StartAt { get; init; }

    /// <summary>After this instant nothing more is sent.</summary>
    [Id(9)]
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When sending started.</summary>
    [Id(10)]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    [Id(11)]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Where its recipients are.</summary>
    [Id(12)]
    public required CampaignCounts Counts { get; init; }

    /// <summary>Messages sent per second over the last second.</summary>
    [Id(13)]
    public required long RateMps { get; init; }

    /// <summary>When the pending recipients should be done at the current rate; null when not sending.</summary>
    [Id(14)]
    public DateTimeOffset? Eta { get; init; }

    /// <summary>At creation: how many recipients the messaging limit lets go now, and when the rest can.</summary>
    [Id(15)]
    public BudgetPreflight? Preflight { get; init; }
}
