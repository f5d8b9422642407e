
using Orleans.Runtime;

namespace WaDispatch.Grains.Templates;

/// <summary>The WABAs whose catalogs are kept.</summary>
public sealed class TemplateRegistryGrain : Grain, ITemplateRegistryGrain
{
    private readonly IPersistentState<TemplateRegistryState> _state;

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public TemplateRegistryGrain([PersistentState("template-registry")] IPersistentState<TemplateRegistryState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask<bool> AddAsync(string wabaId)
    {
        ArgumentException.ThrowIfNullOrEmpty(wabaId);
        if (_state.State.WabaIds.Contains(wabaId, StringComparer.Ordinal))
        {
            return false;
        }

        _state.State.WabaIds.Add(wabaId);
        await _state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListAsync() => ValueTask.FromResult<IReadOnlyList<string>>([.. _state.State.WabaIds]);
}
