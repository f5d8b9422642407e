using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Grains.Templates;

/// <summary>A template looked up in its WABA's catalog.</summary>
/// <param name="Template">The template; null when the catalog does not hold it.</param>
/// <param name="Synced">Whether the catalog has synced at least once: before that, an unknown template is not evidence of anything.</param>
[GenerateSerializer]
[Alias("wadispatch.TemplateLookup")]
public sealed record TemplateLookup(MessageTemplate? Template, bool Synced);
