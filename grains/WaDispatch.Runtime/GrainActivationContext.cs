using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Runtime;

/// <summary>What a grain factory gets to build one activation: its identity, services and state.</summary>
public sealed class GrainActivationContext
{
    private List<IPersistentStateLoader>? _states;

    internal GrainActivationContext(string grainType, string key, IServiceProvider services)
    {
        GrainType = grainType;
        Key = key;
        Services = services;
    }

    /// <summary>The registered name of the grain type.</summary>
    public string GrainType { get; }

    /// <summary>The grain key.</summary>
    public string Key { get; }

    /// <summary>The runtime's services, for the grain's dependencies.</summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// Declares a persistent state of the grain. The runtime reads it before <see cref="Grain.OnActivateAsync"/>.
    /// </summary>
    /// <param name="stateName">Distinguishes several states of one grain; stored with the grain type and key.</param>
    /// <param name="typeInfo">Source-generated JSON metadata for the state type.</param>
    /// <exception cref="InvalidOperationException">No <see cref="IGrainStorage"/> is registered.</exception>
    public IPersistentState<TState> GetPersistentState<TState>(string stateName, JsonTypeInfo<TState> typeInfo)
        where TState : new()
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var storage = Services.GetService<IGrainStorage>()
            ?? throw new InvalidOperationException($"Grain type '{GrainType}' declares persistent state '{stateName}' but no IGrainStorage is registered; call AddWaDispatchStorage.");
        var state = new PersistentState<TState>(storage, new GrainStateId(GrainType, Key, stateName), typeInfo);
        (_states ??= []).Add(state);
        return state;
    }

    internal async Task ReadStatesAsync(CancellationToken cancellationToken)
    {
        if (_states is null)
        {
            return;
        }

        foreach (var state in _states)
        {
            await state.ReadStateAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
