namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// One campaign (key: campaign id): its definition, audience upload, status and checkpoint, and its sending. While
/// it runs, the grain feeds its audience to the message ledger a window at a time (each recipient once, by
/// idempotency key), from where the number's lane sends it; a reminder wakes it again after a restart or when its
/// silo dies, and it goes on from its checkpoint.
/// </summary>
[Alias("wadispatch.ICampaignGrain")]
public interface ICampaignGrain : IGrainWithStringKey
{
    /// <summary>Starts an upload of a new campaign from <paramref name="definition"/>; false when the campaign exists already.</summary>
    [Alias("BeginUpload")]
    ValueTask<bool> BeginUploadAsync(CampaignState definition);

    /// <summary>
    /// Adds the next audience rows in upload order: a row that is not a phone number of 8 to 15 digits, lacks a value
    /// the template names, or holds text no store can keep is counted invalid and skipped; a recipient already in the
    /// audience is counted as a duplicate.
    /// </summary>
    /// <exception cref="InvalidOperationException">No upload is under way.</exception>
    [Alias("AppendAudience")]
    ValueTask AppendAudienceAsync(IReadOnlyList<AudienceEntry> entries);

    /// <summary>
    /// Ends the upload with its counts: the campaign is created (<see cref="CampaignState.Exists"/>) and starts at its
    /// start time, unless its audience holds nobody to send to — then nothing is left behind.
    /// </summary>
    [Alias("CompleteUpload")]
    ValueTask<CampaignState> CompleteUploadAsync(DateTimeOffset createdAt);

    /// <summary>Abandons an upload that failed: its audience rows are deleted.</summary>
    [Alias("AbandonUpload")]
    ValueTask AbandonUploadAsync();

    /// <summary>The campaign and how fast it is being handed to its lane, or null when there is none.</summary>
    /// <remarks>Read-only: reads state, changes nothing.</remarks>
    [Alias("Get")]
    [ReadOnly]
    ValueTask<CampaignProgress?> GetAsync();

    /// <summary>Scheduled or running → paused with <paramref name="reason"/>; false when it was not sending.</summary>
    [Alias("Pause")]
    ValueTask<bool> PauseAsync(string reason);

    /// <summary>Paused → running (or scheduled, before its start time); false when it was not paused.</summary>
    [Alias("Resume")]
    ValueTask<bool> ResumeAsync();

    /// <summary>Not ended → cancelled; false when it had ended.</summary>
    [Alias("Cancel")]
    ValueTask<bool> CancelAsync();

    /// <summary>Activates the campaign, which goes on sending if it was (used at start-up).</summary>
    [Alias("Wake")]
    ValueTask WakeAsync();
}
