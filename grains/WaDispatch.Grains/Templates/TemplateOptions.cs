namespace WaDispatch.Grains.Templates;

/// <summary>Settings of the template catalogs (configuration section <c>Templates</c>).</summary>
public sealed class TemplateOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Templates";

    /// <summary>How often every known catalog is read again in full. Default 1 h; webhooks keep it fresh between reads.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>WABAs to sync from start-up on, besides those phone numbers are configured with.</summary>
    public List<string> WabaIds { get; } = [];
}
