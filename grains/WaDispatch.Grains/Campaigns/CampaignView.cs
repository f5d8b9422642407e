using WaDispatch.Grains.Budgets;

namespace WaDispatch.Grains.Campaigns;

/// <summary>A campaign as its owner sees it (<c>GET /v1/campaigns/{id}</c>).</summary>
public sealed record CampaignView
{
    /// <summary>The campaign id.</summary>
    public required string Id { get; init; }

    /// <summary>Where it is.</summary>
    public required CampaignStatus Status { get; init; }

    /// <summary>Why it is paused.</summary>
    public string? PauseReason { get; init; }

    /// <summary>The business number that sends.</summary>
    public required string PhoneNumberId { get; init; }

    /// <summary>The template's name.</summary>
    public required string TemplateName { get; init; }

    /// <summary>The template's language.</summary>
    public required string TemplateLanguage { get; init; }

    /// <summary>The template's category (from the catalog when it knows the template).</summary>
    public required string Category { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When sending may start.</summary>
    public required DateTimeOffset StartAt { get; init; }

    /// <summary>After this instant nothing more is sent.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When sending started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Where its recipients are.</summary>
    public required CampaignCounts Counts { get; init; }

    /// <summary>Messages sent per second over the last second.</summary>
    public required long RateMps { get; init; }

    /// <summary>When the pending recipients should be done at the current rate; null when not sending.</summary>
    public DateTimeOffset? Eta { get; init; }

    /// <summary>At creation: how many recipients the messaging limit lets go now, and when the rest can.</summary>
    public BudgetPreflight? Preflight { get; init; }
}
