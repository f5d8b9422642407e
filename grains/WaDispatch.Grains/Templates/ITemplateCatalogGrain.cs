using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Grains.Templates;

/// <summary>
/// One WhatsApp Business Account's message templates (key: WABA id): name, language, category, status
/// and shape, filled by syncs from the Graph API and kept fresh between them by webhooks.
/// </summary>
public interface ITemplateCatalogGrain
{
    /// <summary>Replaces the catalog with a full read (the sync reads the pages outside the grain's turns).</summary>
    ValueTask ReplaceAsync(IReadOnlyList<MessageTemplate> templates, DateTimeOffset syncedAt);

    /// <summary>A template by name and language.</summary>
    ValueTask<TemplateLookup> LookupAsync(string name, string language);

    /// <summary>A status change from a <c>message_template_status_update</c> webhook at <paramref name="at"/>; an older event than the last applied is ignored.</summary>
    ValueTask ApplyStatusAsync(string name, string language, string status, DateTimeOffset at);

    /// <summary>A category change from a <c>template_category_update</c> webhook at <paramref name="at"/>; an older event than the last applied is ignored.</summary>
    ValueTask ApplyCategoryAsync(string name, string language, string category, DateTimeOffset at);

    /// <summary>The catalog.</summary>
    ValueTask<TemplateCatalogSnapshot> GetSnapshotAsync();
}
