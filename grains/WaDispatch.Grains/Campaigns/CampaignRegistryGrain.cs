
using Orleans.Runtime;

namespace WaDispatch.Grains.Campaigns;

/// <summary>Every campaign id.</summary>
public sealed class CampaignRegistryGrain : Grain, ICampaignRegistryGrain
{
    private readonly IPersistentState<CampaignRegistryState> _state;

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public CampaignRegistryGrain([PersistentState("campaign-registry")] IPersistentState<CampaignRegistryState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask AddAsync(string campaignId)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        if (!_state.State.CampaignIds.Contains(campaignId, StringComparer.Ordinal))
        {
            _state.State.CampaignIds.Add(campaignId);
            await _state.WriteStateAsync();
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
