namespace WaDispatch.Grains.Campaigns;

/// <summary>What a campaign grain persists: its definition, where it is, and how far its sending got.</summary>
[GenerateSerializer]
[Alias("wadispatch.CampaignState")]
public sealed class CampaignState
{
    /// <summary>The business number that sends.</summary>
    [Id(0)]
    public string PhoneNumberId { get; set; } = string.Empty;

    /// <summary>The number's WABA when the campaign was created (whose catalog holds the template).</summary>
    [Id(1)]
    public string? WabaId { get; set; }

    /// <summary>The template's name.</summary>
    [Id(2)]
    public string TemplateName { get; set; } = string.Empty;

    /// <summary>The template's language code.</summary>
    [Id(3)]
    public string TemplateLanguage { get; set; } = string.Empty;

    /// <summary>The template object of the send request as JSON, with <c>{{key}}</c> placeholders for per-recipient values.</summary>
    [Id(4)]
    public string TemplateJson { get; set; } = string.Empty;

    /// <summary>MARKETING, UTILITY or AUTHENTICATION: from the catalog when it knows the template.</summary>
    [Id(5)]
    public string Category { get; set; } = "MARKETING";

    /// <summary>True to send in the lane's transactional class rather than the bulk class.</summary>
    [Id(6)]
    public bool HighPriority { get; set; }

    /// <summary>Passed to Meta with every message and returned in its status webhooks.</summary>
    [Id(7)]
    public string? BizOpaqueCallbackData { get; set; }

    /// <summary>Where the status changes of its messages are posted, if anywhere.</summary>
    [Id(8)]
    public string? CallbackUrl { get; set; }

    /// <summary>When sending may start.</summary>
    [Id(9)]
    public DateTimeOffset StartAt { get; set; }

    /// <summary>After this instant nothing more is sent.</summary>
    [Id(10)]
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was created.</summary>
    [Id(11)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When sending started.</summary>
    [Id(12)]
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it ended (completed, cancelled or expired).</summary>
    [Id(13)]
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Where it is.</summary>
    [Id(14)]
    public CampaignStatus Status { get; set; }

    /// <summary>Why it is paused.</summary>
    [Id(15)]
    public string? PauseReason { get; set; }

    /// <summary>Rows uploaded.</summary>
    [Id(16)]
    public int Rows { get; set; }

    /// <summary>Rows that are recipients to send to (valid, each once).</summary>
    [Id(17)]
    public int Recipients { get; set; }

    /// <summary>Rows skipped as invalid (no usable number, a per-recipient value missing).</summary>
    [Id(18)]
    public int Invalid { get; set; }

    /// <summary>Rows skipped as a recipient already in the audience.</summary>
    [Id(19)]
    public int Duplicates { get; set; }

    /// <summary>Every recipient up to this audience position is done (sent, ended, or durably waiting in the ledger).</summary>
    [Id(20)]
    public int Checkpoint { get; set; }

    /// <summary>True once created (a grain with no campaign reads as not found).</summary>
    [Id(21)]
    public bool Exists { get; set; }
}
