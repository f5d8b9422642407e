using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Messages;

namespace WaDispatch.Grains.FrontDoor;

/// <summary>
/// WaDispatch's operations for an Orleans client (a backend service that embeds WaDispatch): the same operations, with
/// the same idempotency, results and errors, as the silo's HTTP routes. A stateless worker (key 0): each silo serves
/// it with its own message service, so calls go to the silo the client is connected to.
/// </summary>
[Alias("wadispatch.IFrontDoorGrain")]
public interface IFrontDoorGrain : IGrainWithIntegerKey
{
    /// <summary>Sends a message and waits for Meta's answer, as the Cloud API route does.</summary>
    [Alias("Send")]
    [ResponseTimeout("00:01:00")]
    ValueTask<DirectSendResult> SendAsync(MessageSubmission submission);

    /// <summary>Accepts a message durably to send in the background, as <c>POST /v1/messages</c> does.</summary>
    [Alias("Accept")]
    ValueTask<AcceptResult> AcceptAsync(MessageSubmission submission);

    /// <summary>Accepts several messages, each on its own as <see cref="AcceptAsync"/> does, in one call; results in order.</summary>
    [Alias("AcceptBatch")]
    ValueTask<IReadOnlyList<AcceptResult>> AcceptBatchAsync(IReadOnlyList<MessageSubmission> submissions);

    /// <summary>The message with its history, or null.</summary>
    [Alias("GetMessage")]
    ValueTask<MessageView?> GetMessageAsync(string messageId);

    /// <summary>Checks a new campaign and starts its audience upload; or finds the campaign its idempotency key already created.</summary>
    [Alias("BeginCampaign")]
    ValueTask<CampaignUpload> BeginCampaignAsync(CampaignRequest request, string? idempotencyKey);

    /// <summary>Adds the next rows of an upload's audience, in order; invalid rows are counted and skipped.</summary>
    [Alias("AppendAudience")]
    ValueTask AppendAudienceAsync(string campaignId, IReadOnlyList<AudienceEntry> entries);

    /// <summary>Ends an upload: the campaign with its pre-flight, or why it was not created (nothing left behind then, the key given back).</summary>
    [Alias("CompleteCampaign")]
    ValueTask<CampaignCreated> CompleteCampaignAsync(string campaignId, string? idempotencyKey);

    /// <summary>Abandons an upload (its audience is deleted, the key it began with given back).</summary>
    [Alias("AbandonCampaign")]
    ValueTask AbandonCampaignAsync(string campaignId, string? idempotencyKey);

    /// <summary>The campaign with its counts, rate and ETA, or null.</summary>
    [Alias("GetCampaign")]
    ValueTask<CampaignView?> GetCampaignAsync(string campaignId);

    /// <summary>Every campaign, oldest first.</summary>
    [Alias("ListCampaigns")]
    ValueTask<IReadOnlyList<CampaignView>> ListCampaignsAsync();

    /// <summary>Pauses, resumes or cancels a campaign; says whether it changed, and how the campaign is now.</summary>
    [Alias("ChangeCampaign")]
    ValueTask<CampaignChange> ChangeCampaignAsync(string campaignId, CampaignAction action);
}

/// <summary>How a campaign upload began: its id, the campaign an idempotency key already created, or why not.</summary>
/// <param name="CampaignId">The new campaign's id, to append its audience to.</param>
/// <param name="Replayed">The campaign the key created earlier; no upload then.</param>
/// <param name="Error">Why the campaign is refused.</param>
[GenerateSerializer]
[Alias("wadispatch.CampaignUpload")]
[Immutable]
public sealed record CampaignUpload(string? CampaignId, CampaignView? Replayed, WaDispatch.CloudApi.Errors.CloudApiError? Error);

/// <summary>How a campaign upload ended.</summary>
/// <param name="Campaign">The campaign, with its pre-flight.</param>
/// <param name="Error">Why it was not created (no recipient to send to).</param>
[GenerateSerializer]
[Alias("wadispatch.CampaignCreated")]
[Immutable]
public sealed record CampaignCreated(CampaignView? Campaign, WaDispatch.CloudApi.Errors.CloudApiError? Error);

/// <summary>The result of a pause, resume or cancel.</summary>
/// <param name="Changed">Whether the campaign was in a state the action applies to.</param>
/// <param name="Campaign">The campaign as it is now; null when there is none.</param>
[GenerateSerializer]
[Alias("wadispatch.CampaignChange")]
[Immutable]
public sealed record CampaignChange(bool Changed, CampaignView? Campaign);

/// <summary>What to do to a campaign.</summary>
public enum CampaignAction
{
    /// <summary>Scheduled or running → paused.</summary>
    Pause,

    /// <summary>Paused → running.</summary>
    Resume,

    /// <summary>Not ended → cancelled.</summary>
    Cancel,
}
