using WaDispatch.CloudApi.Templates;
using WaDispatch.Runtime;

namespace WaDispatch.Grains.Templates;

/// <summary>Calls on a <see cref="ITemplateCatalogGrain"/> reference that read like method calls.</summary>
public static class TemplateCatalogGrainCalls
{
    /// <inheritdoc cref="ITemplateCatalogGrain.ReplaceAsync"/>
    public static ValueTask ReplaceAsync(this GrainReference<ITemplateCatalogGrain> catalog, IReadOnlyList<MessageTemplate> templates, DateTimeOffset syncedAt) =>
        catalog.InvokeAsync(static (g, a) => g.ReplaceAsync(a.templates, a.syncedAt), (templates, syncedAt));

    /// <inheritdoc cref="ITemplateCatalogGrain.LookupAsync"/>
    public static ValueTask<TemplateLookup> LookupAsync(this GrainReference<ITemplateCatalogGrain> catalog, string name, string language) =>
        catalog.InvokeAsync(static (g, a) => g.LookupAsync(a.name, a.language), (name, language));

    /// <inheritdoc cref="ITemplateCatalogGrain.ApplyStatusAsync"/>
    public static ValueTask ApplyStatusAsync(this GrainReference<ITemplateCatalogGrain> catalog, string name, string language, string status, DateTimeOffset at) =>
        catalog.InvokeAsync(static (g, a) => g.ApplyStatusAsync(a.name, a.language, a.status, a.at), (name, language, status, at));

    /// <inheritdoc cref="ITemplateCatalogGrain.ApplyCategoryAsync"/>
    public static ValueTask ApplyCategoryAsync(this GrainReference<ITemplateCatalogGrain> catalog, string name, string language, string category, DateTimeOffset at) =>
        catalog.InvokeAsync(static (g, a) => g.ApplyCategoryAsync(a.name, a.language, a.category, a.at), (name, language, category, at));

    /// <inheritdoc cref="ITemplateCatalogGrain.GetSnapshotAsync"/>
    public static ValueTask<TemplateCatalogSnapshot> GetSnapshotAsync(this GrainReference<ITemplateCatalogGrain> catalog) =>
        catalog.InvokeAsync(static g => g.GetSnapshotAsync());
}
