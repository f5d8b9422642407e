using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.FrontDoor;

namespace WaDispatch.Client;

/// <summary>
/// <see cref="IWaDispatcher"/> as an Orleans client of the silos: each call is a grain call (<see cref="IFrontDoorGrain"/>
/// on the silo the client is connected to, which goes through the same services as the silo's HTTP routes), with the
/// same idempotency, results and errors, minus the HTTP hop.
/// </summary>
internal sealed class EmbeddedWaDispatcher : IWaDispatcher
{
    private const int AudienceChunk = 1000;

    private readonly IClusterClient _cluster;

    public EmbeddedWaDispatcher(IClusterClient cluster) => _cluster = cluster;

    private IFrontDoorGrain FrontDoor => _cluster.GetGrain<IFrontDoorGrain>(0);

    public async Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var result = await FrontDoor.SendAsync(new MessageSubmission(phoneNumberId, message) { IdempotencyKey = Scoped("graph", idempotencyKey) }).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.Response is { Messages: [{ Id: { } wamid }, ..] })
        {
            return new SendResult(result.MessageId, wamid, null);
        }

        var error = result.Error ?? CloudApiError.Create(ErrorCodes.SomethingWentWrong, "Something went wrong", "The message was not sent.");
        var status = RefusalStatus.Of(error.Code);
        return status is 400 or 429
            ? new SendResult(result.MessageId, null, SendRejection.From(error, result.RetryAfter))
            : throw new WaDispatchException(error, status, isTransient: status == 503, result.RetryAfter);
    }

    public async Task<MessageInfo> EnqueueAsync(OutgoingMessage message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var accepted = await FrontDoor.AcceptAsync(Submission(message, Scoped("v1", idempotencyKey))).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        return accepted.Message is { } view ? Info(view) : throw Refused(accepted.Error!);
    }

    public async Task<IReadOnlyList<BatchResult>> EnqueueBatchAsync(IReadOnlyList<OutgoingMessage> messages, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var key = Scoped("v1", idempotencyKey);
        // An array: Orleans finds its copier once, where the compiler's type for a collection expression has none.
        MessageSubmission[] submissions = [.. messages.Select((message, index) => Submission(message, key is null ? null : $"{key}#{index}"))];
        var accepted = await FrontDoor.AcceptBatchAsync(submissions).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. accepted.Select(result => new BatchResult(result.Message is { } view ? Info(view) : null, result.Error))];
    }

    public async Task<MessageInfo?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        await FrontDoor.GetMessageAsync(messageId).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false) is { } view ? Info(view) : null;

    public Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, IAsyncEnumerable<Recipient> audience, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audience);
        return CreateAsync(campaign, Entries(audience, cancellationToken), idempotencyKey, cancellationToken);
    }

    public async Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, Stream audienceFile, AudienceFormat format, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audienceFile);
        try
        {
            var rows = format == AudienceFormat.Csv ? AudienceReader.ReadCsvAsync(audienceFile, cancellationToken) : AudienceReader.ReadNdjsonAsync(audienceFile, cancellationToken);
            return await CreateAsync(campaign, rows, idempotencyKey, cancellationToken).ConfigureAwait(false);
        }
        catch (AudienceFormatException ex)
        {
            throw new WaDispatchException(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", ex.Message), 400, isTransient: false, retryAfter: null, ex);
        }
    }

    private async Task<CampaignInfo> CreateAsync(NewCampaign campaign, IAsyncEnumerable<AudienceEntry> audience, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var request = new CampaignRequest(campaign.PhoneNumberId, JsonSerializer.Serialize(campaign.Template, CloudApiJsonContext.Wire.TemplateContent))
        {
            Category = campaign.Category,
            StartAt = campaign.StartAt,
            ExpiresAt = campaign.ExpiresAt,
            Priority = campaign.HighPriority ? "high" : null,
            BizOpaqueCallbackData = campaign.BizOpaqueCallbackData,
            CallbackUrl = campaign.CallbackUrl?.ToString(),
        };
        var key = Scoped("campaign", idempotencyKey);
        var upload = await FrontDoor.BeginCampaignAsync(request, key).ConfigureAwait(false);
        if (upload.Replayed is { } replayed)
        {
            return Campaign(replayed);
        }

        if (upload.CampaignId is not { } id)
        {
            throw Refused(upload.Error!);
        }

        // The audience goes a chunk at a time: never held whole, here or in the silo.
        try
        {
            var chunk = new List<AudienceEntry>(AudienceChunk);
            await foreach (var entry in audience.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(entry);
                if (chunk.Count == AudienceChunk)
                {
                    await FrontDoor.AppendAudienceAsync(id, chunk).ConfigureAwait(false);
                    chunk = new List<AudienceEntry>(AudienceChunk);
                }
            }

            if (chunk.Count > 0)
            {
                await FrontDoor.AppendAudienceAsync(id, chunk).ConfigureAwait(false);
            }
        }
        catch
        {
            await FrontDoor.AbandonCampaignAsync(id, key).ConfigureAwait(false);
            throw;
        }

        var created = await FrontDoor.CompleteCampaignAsync(id, key).ConfigureAwait(false);
        return created.Campaign is { } view ? Campaign(view) : throw Refused(created.Error!);
    }

    public async Task<CampaignInfo?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        await FrontDoor.GetCampaignAsync(campaignId).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false) is { } view ? Campaign(view) : null;

    public async Task<IReadOnlyList<CampaignInfo>> ListCampaignsAsync(CancellationToken cancellationToken = default) =>
        [.. (await FrontDoor.ListCampaignsAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false)).Select(Campaign)];

    public Task<CampaignInfo> PauseCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ChangeAsync(campaignId, CampaignAction.Pause, "running or scheduled", cancellationToken);

    public Task<CampaignInfo> ResumeCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ChangeAsync(campaignId, CampaignAction.Resume, "paused", cancellationToken);

    public Task<CampaignInfo> CancelCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ChangeAsync(campaignId, CampaignAction.Cancel, "not ended", cancellationToken);

    public async Task<LaneInfo> GetLaneAsync(string phoneNumberId, CancellationToken cancellationToken = default) =>
        Mapping.Lane(JsonSerializer.SerializeToElement(await _cluster.GetGrain<IPhoneNumberGrain>(phoneNumberId).GetSnapshotAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false), EmbeddedJsonContext.Default.LaneSnapshot));

    public async Task<BusinessInfo> GetBusinessAsync(string businessId, CancellationToken cancellationToken = default) =>
        Mapping.Business(JsonSerializer.SerializeToElement(await _cluster.GetGrain<IBusinessGrain>(businessId).GetSnapshotAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false), EmbeddedJsonContext.Default.BusinessSnapshot));

    public async IAsyncEnumerable<StatusEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The silos forward their status changes to one grain while anyone subscribes; it passes them to this observer.
        var receiver = new StatusReceiver();
        var observer = _cluster.CreateObjectReference<IStatusObserver>(receiver);
        var hub = _cluster.GetGrain<IStatusEventsGrain>(IStatusEventsGrain.Key);
        await hub.SubscribeAsync(observer).ConfigureAwait(false);
        using var renew = new PeriodicTimer(IStatusEventsGrain.SubscriptionLifetime / 3);
        var renewing = RenewAsync(hub, observer, renew, cancellationToken);
        try
        {
            await foreach (var change in receiver.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new StatusEvent(change.MessageId, change.Status, change.At, change.ErrorCode, change.Wamid, change.CampaignId);
            }
        }
        finally
        {
            renew.Dispose();
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await hub.UnsubscribeAsync(observer).AsTask().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _cluster.DeleteObjectReference<IStatusObserver>(observer);
        }
    }

    private static async Task RenewAsync(IStatusEventsGrain hub, IStatusObserver observer, PeriodicTimer renew, CancellationToken cancellationToken)
    {
        while (await renew.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await hub.SubscribeAsync(observer).ConfigureAwait(false);
        }
    }

    private async Task<CampaignInfo> ChangeAsync(string campaignId, CampaignAction action, string expected, CancellationToken cancellationToken)
    {
        var change = await FrontDoor.ChangeCampaignAsync(campaignId, action).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (change.Campaign is not { } campaign)
        {
            throw new WaDispatchException(CloudApiError.Create(ErrorCodes.InvalidParameter, "Unknown campaign", $"No campaign has id {campaignId}."), 404, isTransient: false, retryAfter: null);
        }

        return change.Changed
            ? Campaign(campaign)
            : throw new WaDispatchException(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid state", $"Campaign {campaignId} is {JsonSerializer.Serialize(campaign.Status, EmbeddedJsonContext.Default.CampaignStatus).Trim('"')}; this needs it {expected}."), 409, isTransient: false, retryAfter: null);
    }

    /// <summary>Receives an observer's batches of status events into a channel the subscription reads (bounded: the oldest go first).</summary>
    private sealed class StatusReceiver : IStatusObserver
    {
        public System.Threading.Channels.Channel<MessageStatusEvent> Channel { get; } =
            System.Threading.Channels.Channel.CreateBounded<MessageStatusEvent>(new System.Threading.Channels.BoundedChannelOptions(10_000) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest, SingleReader = true });

        public System.Threading.Channels.ChannelReader<MessageStatusEvent> Events => Channel.Reader;

        public ValueTask OnStatusesAsync(IReadOnlyList<MessageStatusEvent> events)
        {
            foreach (var change in events)
            {
                Channel.Writer.TryWrite(change);
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Keys scoped as the silo scopes them for its local (no API key) caller.</summary>
    private static string? Scoped(string scope, string? key) => key is null ? null : $"embedded:{scope}:{key}";

    private static MessageSubmission Submission(OutgoingMessage message, string? key) =>
        new(message.PhoneNumberId, message.Message) { IdempotencyKey = key, ExpiresAt = message.ExpiresAt, CallbackUrl = message.CallbackUrl?.ToString() };

    private static async IAsyncEnumerable<AudienceEntry> Entries(IAsyncEnumerable<Recipient> audience, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var recipient in audience.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new AudienceEntry(recipient.To, recipient.Values ?? new Dictionary<string, string>());
        }
    }

    private static WaDispatchException Refused(CloudApiError error) =>
        new(error, RefusalStatus.Of(error.Code), isTransient: RefusalStatus.Of(error.Code) is 429 or 503, retryAfter: null);

    private static MessageInfo Info(MessageView view) => new()
    {
        Id = view.Id,
        PhoneNumberId = view.PhoneNumberId,
        To = view.To,
        Status = view.Status,
        Wamid = view.Wamid,
        Error = view.Error,
        AcceptedAt = view.AcceptedAt,
        ExpiresAt = view.ExpiresAt,
        History = view.History?.Select(e => new MessageHistoryEntry(e.Status, e.At, e.ErrorCode)).ToList(),
    };

    private static CampaignInfo Campaign(CampaignView view) => Mapping.Campaign(JsonSerializer.SerializeToElement(view, EmbeddedJsonContext.Default.CampaignView));
}

/// <summary>The silo's JSON of lanes, businesses and campaigns (snake_case, enums by wire name), for the shared mapping.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LaneSnapshot))]
[JsonSerializable(typeof(BusinessSnapshot))]
[JsonSerializable(typeof(CampaignView))]
internal sealed partial class EmbeddedJsonContext : JsonSerializerContext;
