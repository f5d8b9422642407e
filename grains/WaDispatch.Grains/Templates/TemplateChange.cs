namespace WaDispatch.Grains.Templates;

/// <summary>The latest webhook news of one template, per field, each with the event's time.</summary>
public sealed class TemplateChange
{
    /// <summary>The status the latest status event set.</summary>
    public string? Status { get; set; }

    /// <summary>When that status event happened.</summary>
    public DateTimeOffset? StatusAt { get; set; }

    /// <summary>The category the latest category event set.</summary>
    public string? Category { get; set; }

    /// <summary>When that category event happened.</summary>
    public DateTimeOffset? CategoryAt { get; set; }
}
