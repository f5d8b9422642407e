namespace WaDispatch.Grains.Templates;

/// <summary>What the template registry persists.</summary>
public sealed class TemplateRegistryState
{
    /// <summary>The WABAs whose catalogs are kept.</summary>
    public List<string> WabaIds { get; set; } = [];
}
