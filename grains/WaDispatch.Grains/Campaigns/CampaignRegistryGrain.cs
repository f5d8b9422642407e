using WaDispatch.Runtime;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Grains.Campaigns;

/// <summary>Every campaign id.</summary>
public sealed class CampaignRegistryGrain : Grain, ICampaignRegistryGrain
{
    private readonly IPersistentState<CampaignRegistryState> _state;

    /// <summary>Creates the grain; the runtime calls this through the registration in <c>AddWaDispatchGrains</c>.</summary>
    public CampaignRegistryGrain(IPersistentState<CampaignRegistryState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask AddAsync(string campaignId)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        if (!_state.State.CampaignIds.Contains(campaignId, StringComparer.Ordinal))
        {
            _state.State.CampaignIds.Add(campaignId);
            await _state.WriteStateAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListAsync() => ValueTask.FromResult<IReadOnlyList<string>>([.. _state.State.CampaignIds]);
}

/// <summary>What the campaign registry persists.</summary>
public sealed class CampaignRegistryState
{
    /// <summary>Every campaign id, oldest first.</summary>
    public List<string> CampaignIds { get; set; } = [];
}

/// <summary>Calls on a <see cref="ICampaignRegistryGrain"/> reference that read like method calls.</summary>
public static class CampaignRegistryGrainCalls
{
    /// <inheritdoc cref="ICampaignRegistryGrain.AddAsync"/>
    public static ValueTask AddAsync(this GrainReference<ICampaignRegistryGrain> registry, string campaignId) =>
        registry.InvokeAsync(static (g, id) => g.AddAsync(id), campaignId);

    /// <inheritdoc cref="ICampaignRegistryGrain.ListAsync"/>
    public static ValueTask<IReadOnlyList<string>> ListAsync(this GrainReference<ICampaignRegistryGrain> registry) =>
        registry.InvokeAsync(static g => g.ListAsync());
}
