namespace WaDispatch.Grains.Campaigns;

/// <summary>What a campaign grain persists: its definition, where it is, and how far its sending got.</summary>
public sealed class CampaignState
{
    /// <summary>The business number that sends.</summary>
    public string PhoneNumberId { get; set; } = string.Empty;

    /// <summary>The number's WABA when the campaign was created (whose catalog holds the template).</summary>
    public string? WabaId { get; set; }

    /// <summary>The template's name.</summary>
    public string TemplateName { get; set; } = string.Empty;

    /// <summary>The template's language code.</summary>
    public string TemplateLanguage { get; set; } = string.Empty;

    /// <summary>The template object of the send request as JSON, with <c>{{key}}</c> placeholders for per-recipient values.</summary>
    public string TemplateJson { get; set; } = string.Empty;

    /// <summary>MARKETING, UTILITY or AUTHENTICATION: from the catalog when it knows the template.</summary>
    public string Category { get; set; } = "MARKETING";

    /// <summary>True to send in the lane's transactional class rather than the bulk class.</summary>
    public bool HighPriority { get; set; }

    /// <summary>Passed to Meta with every message and returned in its status webhooks.</summary>
    public string? BizOpaqueCallbackData { get; set; }

    /// <summary>Where the status changes of its messages are posted, if anywhere.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>When sending may start.</summary>
    public DateTimeOffset StartAt { get; set; }

    /// <summary>After this instant nothing more is sent.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When sending started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it ended (completed, cancelled or expired).</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Where it is.</summary>
    public CampaignStatus Status { get; set; }

    /// <summary>Why it is paused.</summary>
    public string? PauseReason { get; set; }

    /// <summary>Rows uploaded.</summary>
    public int Rows { get; set; }

    /// <summary>Rows that are recipients to send to (valid, each once).</summary>
    public int Recipients { get; set; }

    /// <summary>Rows skipped as invalid (no usable number, a per-recipient value missing).</summary>
    public int Invalid { get; set; }

    /// <summary>Rows skipped as a recipient already in the audience.</summary>
    public int Duplicates { get; set; }

    /// <summary>Every recipient up to this audience position is done (sent, ended, or durably waiting in the ledger).</summary>
    public int Checkpoint { get; set; }

    /// <summary>True once created (a grain with no campaign reads as not found).</summary>
    public bool Exists { get; set; }
}
