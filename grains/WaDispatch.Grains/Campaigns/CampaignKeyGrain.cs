using WaDispatch.Runtime;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// One idempotency key of <c>POST /v1/campaigns</c> (key: the scoped key): which campaign it created. A
/// retried request finds the first campaign instead of creating a second.
/// </summary>
public interface ICampaignKeyGrain
{
    /// <summary>Claims the key for <paramref name="campaignId"/>; returns the campaign that holds it (this one, or the first).</summary>
    ValueTask<string> ClaimAsync(string campaignId);

    /// <summary>Gives the key back when <paramref name="campaignId"/> could not be created.</summary>
    ValueTask ReleaseAsync(string campaignId);
}

/// <summary>An idempotency key of campaign creation.</summary>
public sealed class CampaignKeyGrain : Grain, ICampaignKeyGrain
{
    private readonly IPersistentState<CampaignKeyState> _state;

    /// <summary>Creates the grain; the runtime calls this through the registration in <c>AddWaDispatchGrains</c>.</summary>
    public CampaignKeyGrain(IPersistentState<CampaignKeyState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask<string> ClaimAsync(string campaignId)
    {
        if (_state.State.CampaignId is { } holder)
        {
            return holder;
        }

        _state.State.CampaignId = campaignId;
        await _state.WriteStateAsync().ConfigureAwait(false);
        return campaignId;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string campaignId)
    {
        if (_state.State.CampaignId == campaignId)
        {
            _state.State.CampaignId = null;
            await _state.WriteStateAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>What a campaign key persists.</summary>
public sealed class CampaignKeyState
{
    /// <summary>The campaign the key created, or null.</summary>
    public string? CampaignId { get; set; }
}

/// <summary>Calls on a <see cref="ICampaignKeyGrain"/> reference that read like method calls.</summary>
public static class CampaignKeyGrainCalls
{
    /// <inheritdoc cref="ICampaignKeyGrain.ClaimAsync"/>
    public static ValueTask<string> ClaimAsync(this GrainReference<ICampaignKeyGrain> key, string campaignId) =>
        key.InvokeAsync(static (g, id) => g.ClaimAsync(id), campaignId);

    /// <inheritdoc cref="ICampaignKeyGrain.ReleaseAsync"/>
    public static ValueTask ReleaseAsync(this GrainReference<ICampaignKeyGrain> key, string campaignId) =>
        key.InvokeAsync(static (g, id) => g.ReleaseAsync(id), campaignId);
}
