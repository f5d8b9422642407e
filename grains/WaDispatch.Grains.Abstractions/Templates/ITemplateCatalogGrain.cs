using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Grains.Templates;

/// <summary>
/// One WhatsApp Business Account's message templates (key: WABA id): name, language, category, status
/// and shape, filled by syncs from the Graph API and kept fresh between them by webhooks.
/// </summary>
[Alias("wadispatch.ITemplateCatalogGrain")]
public interface ITemplateCatalogGrain : IGrainWithStringKey
{
    /// <summary>Replaces the catalog with a full read (the sync reads the pages outside the grain's turns).</summary>
    [Alias("Replace")]
    ValueTask ReplaceAsync(IReadOnlyList<MessageTemplate> templates, DateTimeOffset syncedAt);

    /// <summary>A template by name and language.</summary>
    /// <remarks>Reads the catalog, changes nothing: lookups of every send interleave.</remarks>
    [Alias("Lookup")]
    [ReadOnly]
    ValueTask<TemplateLookup> LookupAsync(string name, string language);

    /// <summary>A status change from a <c>message_template_status_update</c> webhook at <paramref name="at"/>; an older event than the last applied is ignored.</summary>
    [Alias("ApplyStatus")]
    ValueTask ApplyStatusAsync(string name, string language, string status, DateTimeOffset at);

    /// <summary>A category change from a <c>template_category_update</c> webhook at <paramref name="at"/>; an older event than the last applied is ignored.</summary>
    [Alias("ApplyCategory")]
    ValueTask ApplyCategoryAsync(string name, string language, string category, DateTimeOffset at);

    /// <summary>The catalog.</summary>
    /// <remarks>Reads the catalog, changes nothing.</remarks>
    [Alias("GetSnapshot")]
    [ReadOnly]
    ValueTask<TemplateCatalogSnapshot> GetSnapshotAsync();
}
