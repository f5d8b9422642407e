using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Grains.Templates;

/// <summary>A WABA's catalog as <c>GET /v1/templates</c> shows it.</summary>
/// <param name="WabaId">The WhatsApp Business Account.</param>
/// <param name="SyncedAt">When it was last read in full; null before the first sync.</param>
/// <param name="Templates">The templates with their status and category.</param>
[GenerateSerializer]
[Alias("wadispatch.TemplateCatalogSnapshot")]
public sealed record TemplateCatalogSnapshot(string WabaId, DateTimeOffset? SyncedAt, IReadOnlyList<MessageTemplate> Templates);
