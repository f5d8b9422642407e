using WaDispatch.Runtime;

namespace WaDispatch.Grains.Campaigns;

/// <summary>Calls on a <see cref="ICampaignGrain"/> reference that read like method calls.</summary>
public static class CampaignGrainCalls
{
    /// <inheritdoc cref="ICampaignGrain.CreateAsync"/>
    public static ValueTask<bool> CreateAsync(this GrainReference<ICampaignGrain> campaign, CampaignState state) =>
        campaign.InvokeAsync(static (g, s) => g.CreateAsync(s), state);

    /// <inheritdoc cref="ICampaignGrain.GetAsync"/>
    public static ValueTask<CampaignState?> GetAsync(this GrainReference<ICampaignGrain> campaign) =>
        campaign.InvokeAsync(static g => g.GetAsync());

    /// <inheritdoc cref="ICampaignGrain.StartedAsync"/>
    public static ValueTask<CampaignState> StartedAsync(this GrainReference<ICampaignGrain> campaign, DateTimeOffset at) =>
        campaign.InvokeAsync(static (g, a) => g.StartedAsync(a), at);

    /// <inheritdoc cref="ICampaignGrain.PauseAsync"/>
    public static ValueTask<bool> PauseAsync(this GrainReference<ICampaignGrain> campaign, string reason) =>
        campaign.InvokeAsync(static (g, r) => g.PauseAsync(r), reason);

    /// <inheritdoc cref="ICampaignGrain.ResumeAsync"/>
    public static ValueTask<bool> ResumeAsync(this GrainReference<ICampaignGrain> campaign, DateTimeOffset now) =>
        campaign.InvokeAsync(static (g, n) => g.ResumeAsync(n), now);

    /// <inheritdoc cref="ICampaignGrain.CancelAsync"/>
    public static ValueTask<bool> CancelAsync(this GrainReference<ICampaignGrain> campaign, DateTimeOffset at) =>
        campaign.InvokeAsync(static (g, a) => g.CancelAsync(a), at);

    /// <inheritdoc cref="ICampaignGrain.FinishAsync"/>
    public static ValueTask FinishAsync(this GrainReference<ICampaignGrain> campaign, CampaignStatus status, DateTimeOffset at) =>
        campaign.InvokeAsync(static (g, a) => g.FinishAsync(a.status, a.at), (status, at));

    /// <inheritdoc cref="ICampaignGrain.CheckpointAsync"/>
    public static ValueTask CheckpointAsync(this GrainReference<ICampaignGrain> campaign, int seq) =>
        campaign.InvokeAsync(static (g, s) => g.CheckpointAsync(s), seq);
}
