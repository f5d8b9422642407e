using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Messages;

namespace WaDispatch.Grains.FrontDoor;

/// <summary>
/// <see cref="IFrontDoorGrain"/> on this silo's services: what an Orleans client asks goes through the same message
/// and campaign services as the HTTP routes.
/// </summary>
/// <remarks>
/// A stateless worker (each silo serves its clients locally) and reentrant: it holds no state, and every call only
/// waits on services and other grains, so one activation serves any number of calls at once.
/// </remarks>
[StatelessWorker]
[Reentrant]
public sealed class FrontDoorGrain(MessageService messages, CampaignService campaigns) : Grain, IFrontDoorGrain
{
    /// <inheritdoc />
    public async ValueTask<DirectSendResult> SendAsync(MessageSubmission submission) => await messages.SendAsync(submission);

    /// <inheritdoc />
    public async ValueTask<AcceptResult> AcceptAsync(MessageSubmission submission) => await messages.AcceptAsync(submission);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AcceptResult>> AcceptBatchAsync(IReadOnlyList<MessageSubmission> submissions) =>
        await Task.WhenAll(submissions.Select(submission => messages.AcceptAsync(submission)));

    /// <inheritdoc />
    public async ValueTask<MessageView?> GetMessageAsync(string messageId) => await messages.GetAsync(messageId);

    /// <inheritdoc />
    public async ValueTask<CampaignUpload> BeginCampaignAsync(CampaignRequest request, string? idempotencyKey) => await campaigns.BeginAsync(request, idempotencyKey);

    /// <inheritdoc />
    public async ValueTask AppendAudienceAsync(string campaignId, IReadOnlyList<AudienceEntry> entries) => await campaigns.AppendAsync(campaignId, entries);

    /// <inheritdoc />
    public async ValueTask<CampaignCreated> CompleteCampaignAsync(string campaignId, string? idempotencyKey)
    {
        var (campaign, error) = await campaigns.CompleteAsync(campaignId, idempotencyKey);
        return new CampaignCreated(campaign, error);
    }

    /// <inheritdoc />
    public async ValueTask AbandonCampaignAsync(string campaignId, string? idempotencyKey) => await campaigns.AbandonAsync(campaignId, idempotencyKey);

    /// <inheritdoc />
    public async ValueTask<CampaignView?> GetCampaignAsync(string campaignId) => await campaigns.GetAsync(campaignId);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<CampaignView>> ListCampaignsAsync() => await campaigns.ListAsync();

    /// <inheritdoc />
    public async ValueTask<CampaignChange> ChangeCampaignAsync(string campaignId, CampaignAction action)
    {
        var changed = action switch
        {
            CampaignAction.Pause => await campaigns.PauseAsync(campaignId, "Paused by request."),
            CampaignAction.Resume => await campaigns.ResumeAsync(campaignId),
            _ => await campaigns.CancelAsync(campaignId),
        };
        return new CampaignChange(changed, await campaigns.GetAsync(campaignId));
    }
}
