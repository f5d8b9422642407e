using WaDispatch.Runtime;

namespace WaDispatch.Grains.Templates;

/// <summary>Calls on a <see cref="ITemplateRegistryGrain"/> reference that read like method calls.</summary>
public static class TemplateRegistryGrainCalls
{
    /// <inheritdoc cref="ITemplateRegistryGrain.AddAsync"/>
    public static ValueTask<bool> AddAsync(this GrainReference<ITemplateRegistryGrain> registry, string wabaId) =>
        registry.InvokeAsync(static (g, w) => g.AddAsync(w), wabaId);

    /// <inheritdoc cref="ITemplateRegistryGrain.ListAsync"/>
    public static ValueTask<IReadOnlyList<string>> ListAsync(this GrainReference<ITemplateRegistryGrain> registry) =>
        registry.InvokeAsync(static g => g.ListAsync());
}
