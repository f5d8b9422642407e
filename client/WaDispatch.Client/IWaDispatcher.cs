using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Client;

/// <summary>
/// WaDispatch as a backend service uses it: the same interface whether the dispatcher runs as a remote silo
/// (<c>services.AddWaDispatchClient(…)</c>) or inside this process (<c>services.AddWaDispatch(…)</c>).
/// Expected outcomes of a send — rate limited, outside the customer-service window, opted out, messaging
/// limit spent — are results with a reason and a retry hint; a <see cref="WaDispatchException"/> means
/// something else went wrong, and says whether retrying can help.
/// </summary>
public interface IWaDispatcher
{
    /// <summary>Sends one message and waits for Meta's answer (at most the silo's permit wait for a lane slot).</summary>
    /// <param name="phoneNumberId">The business number that sends.</param>
    /// <param name="message">The message (see <see cref="WaMessages"/> and <see cref="WaTemplate"/>).</param>
    /// <param name="idempotencyKey">A key of the caller's; by default a new one per call, reused by the client's own retries.</param>
    /// <param name="cancellationToken">Stops waiting (not the send, once accepted).</param>
    Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest message, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Hands one message over durably; it is sent in the background within its expiry.</summary>
    Task<MessageInfo> EnqueueAsync(OutgoingMessage message, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Hands up to 1,000 messages over, each on its own: one result per message, in order.</summary>
    Task<IReadOnlyList<BatchResult>> EnqueueBatchAsync(IReadOnlyList<OutgoingMessage> messages, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>A message's status, <c>wamid</c>, error and history; null when there is none.</summary>
    Task<MessageInfo?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Creates a campaign; its audience is streamed, never held whole.</summary>
    Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, IAsyncEnumerable<Recipient> audience, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a campaign from an audience file (NDJSON or CSV with a <c>to</c> column), streamed as it is read.</summary>
    Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, Stream audienceFile, AudienceFormat format, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>A campaign with its counts, rate and ETA; null when there is none.</summary>
    Task<CampaignInfo?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Every campaign, oldest first.</summary>
    Task<IReadOnlyList<CampaignInfo>> ListCampaignsAsync(CancellationToken cancellationToken = default);

    /// <summary>Pauses a scheduled or running campaign.</summary>
    Task<CampaignInfo> PauseCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused campaign from its checkpoint.</summary>
    Task<CampaignInfo> ResumeCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Cancels a campaign that has not ended.</summary>
    Task<CampaignInfo> CancelCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>A number's lane: tier, pace, queue, in-flight sends, status.</summary>
    Task<LaneInfo> GetLaneAsync(string phoneNumberId, CancellationToken cancellationToken = default);

    /// <summary>A business's messaging-limit budget.</summary>
    Task<BusinessInfo> GetBusinessAsync(string businessId, CancellationToken cancellationToken = default);

    /// <summary>Status changes from now on, until <paramref name="cancellationToken"/> ends the subscription. Live only.</summary>
    IAsyncEnumerable<StatusEvent> SubscribeAsync(CancellationToken cancellationToken = default);
}
