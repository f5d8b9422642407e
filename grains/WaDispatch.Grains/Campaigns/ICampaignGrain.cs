namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// One campaign (key: campaign id): its definition, status and checkpoint. The sending itself runs in the
/// <see cref="CampaignRunner"/>, outside the grain's turns; the grain is the campaign's durable truth.
/// </summary>
public interface ICampaignGrain
{
    /// <summary>Creates the campaign from <paramref name="state"/>; false when it exists already.</summary>
    ValueTask<bool> CreateAsync(CampaignState state);

    /// <summary>The campaign, or null when there is none.</summary>
    ValueTask<CampaignState?> GetAsync();

    /// <summary>Scheduled → running.</summary>
    ValueTask<CampaignState> StartedAsync(DateTimeOffset at);

    /// <summary>Scheduled or running → paused with <paramref name="reason"/>; false when it was not sending.</summary>
    ValueTask<bool> PauseAsync(string reason);

    /// <summary>Paused → running (or scheduled, before its start time); false when it was not paused.</summary>
    ValueTask<bool> ResumeAsync(DateTimeOffset now);

    /// <summary>Not ended → cancelled; false when it had ended.</summary>
    ValueTask<bool> CancelAsync(DateTimeOffset at);

    /// <summary>Running → completed or expired.</summary>
    ValueTask FinishAsync(CampaignStatus status, DateTimeOffset at);

    /// <summary>Advances the checkpoint (never moves it back).</summary>
    ValueTask CheckpointAsync(int seq);
}
