using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Grains.Templates;

/// <summary>What a WABA's catalog persists: the templates of the last sync, kept fresh by webhooks.</summary>
public sealed class TemplateCatalogState
{
    /// <summary>When the catalog was last read in full from the Graph API; null before the first sync.</summary>
    public DateTimeOffset? SyncedAt { get; set; }

    /// <summary>The templates.</summary>
    public List<MessageTemplate> Templates { get; set; } = [];

    /// <summary>Per template (<c>name/language</c>), the time of the latest webhook applied: an older one arriving late is ignored.</summary>
    public Dictionary<string, DateTimeOffset> EventTimes { get; set; } = new(StringComparer.Ordinal);
}
