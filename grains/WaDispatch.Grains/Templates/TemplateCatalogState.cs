using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Grains.Templates;

/// <summary>What a WABA's catalog persists: the templates of the last sync, kept fresh by webhooks.</summary>
public sealed class TemplateCatalogState
{
    /// <summary>When the catalog was last read in full from the Graph API; null before the first sync.</summary>
    public DateTimeOffset? SyncedAt { get; set; }

    /// <summary>The templates.</summary>
    public List<MessageTemplate> Templates { get; set; } = [];

    /// <summary>
    /// Per template (<c>name/language</c>), the latest webhook news per field: an older event arriving late
    /// is ignored, and news newer than a sync's read survives that sync.
    /// </summary>
    public Dictionary<string, TemplateChange> Changes { get; set; } = new(StringComparer.Ordinal);
}
