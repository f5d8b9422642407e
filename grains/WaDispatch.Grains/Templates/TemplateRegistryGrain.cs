using WaDispatch.Runtime;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Grains.Templates;

/// <summary>The WABAs whose catalogs are kept.</summary>
public sealed class TemplateRegistryGrain : Grain, ITemplateRegistryGrain
{
    private readonly IPersistentState<TemplateRegistryState> _state;

    /// <summary>Creates the grain; the runtime calls this through the registration in <c>AddWaDispatchGrains</c>.</summary>
    public TemplateRegistryGrain(IPersistentState<TemplateRegistryState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask<bool> AddAsync(string wabaId)
    {
        ArgumentException.ThrowIfNullOrEmpty(wabaId);
        if (_state.State.WabaIds.Contains(wabaId, StringComparer.Ordinal))
        {
            return false;
        }

        _state.State.WabaIds.Add(wabaId);
        await _state.WriteStateAsync().ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListAsync() => ValueTask.FromResult<IReadOnlyList<string>>([.. _state.State.WabaIds]);
}
