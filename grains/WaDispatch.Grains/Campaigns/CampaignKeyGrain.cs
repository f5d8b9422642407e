using Orleans.Runtime;

namespace WaDispatch.Grains.Campaigns;

/// <summary>An idempotency key of campaign creation.</summary>
public sealed class CampaignKeyGrain : Grain, ICampaignKeyGrain
{
    private readonly IPersistentState<CampaignKeyState> _state;

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public CampaignKeyGrain([PersistentState("campaign-key")] IPersistentState<CampaignKeyState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask<string> ClaimAsync(string campaignId)
    {
        if (_state.State.CampaignId is { } holder)
        {
            return holder;
        }

        _state.State.CampaignId = campaignId;
        await _state.WriteStateAsync();
        return campaignId;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string campaignId)
    {
        if (_state.State.CampaignId == campaignId)
        {
            _state.State.CampaignId = null;
            await _state.WriteStateAsync();
        }
    }
}

/// <summary>What a campaign key persists.</summary>
public sealed class CampaignKeyState
{
    /// <summary>The campaign the key created, or null.</summary>
    public string? CampaignId { get; set; }
}
