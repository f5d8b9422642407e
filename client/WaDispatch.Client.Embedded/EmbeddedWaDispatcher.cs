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
using WaDispatch.Runtime;

namespace WaDispatch.Client;

/// <summary>
/// <see cref="IWaDispatcher"/> on the runtime hosted in this process: the same services the silo's routes
/// call, with the same idempotency, results and errors, minus the HTTP hop.
/// </summary>
internal sealed class EmbeddedWaDispatcher : IWaDispatcher
{
    private readonly MessageService _messages;
    private readonly CampaignRunner _campaigns;
    private readonly MessageEvents _events;
    private readonly IGrainFactory _grains;

    public EmbeddedWaDispatcher(MessageService messages, CampaignRunner campaigns, MessageEvents events, IGrainFactory grains)
    {
        _messages = messages;
        _campaigns = campaigns;
        _events = events;
        _grains = grains;
    }

    public async Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var result = await _messages.SendAsync(new MessageSubmission(phoneNumberId, message) { IdempotencyKey = Scoped("graph", idempotencyKey) }, cancellationToken).ConfigureAwait(false);
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
        var accepted = await _messages.AcceptAsync(Submission(message, Scoped("v1", idempotencyKey)), cancellationToken).ConfigureAwait(false);
        return accepted.Message is { } view ? Info(view) : throw Refused(accepted.Error!);
    }

    public async Task<IReadOnlyList<BatchResult>> EnqueueBatchAsync(IReadOnlyList<OutgoingMessage> messages, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var key = Scoped("v1", idempotencyKey);
        var results = await Task.WhenAll(messages.Select(async (message, index) =>
        {
            var accepted = await _messages.AcceptAsync(Submission(message, key is null ? null : $"{key}#{index}"), cancellationToken).ConfigureAwait(false);
            return new BatchResult(accepted.Message is { } view ? Info(view) : null, accepted.Error);
        })).ConfigureAwait(false);
        return results;
    }

    public async Task<MessageInfo?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        await _messages.GetAsync(messageId, cancellationToken).ConfigureAwait(false) is { } view ? Info(view) : null;

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
        var request = new CampaignRequest(campaign.PhoneNumberId, JsonSerializer.SerializeToElement(campaign.Template, CloudApiJsonContext.Wire.TemplateContent))
        {
            Category = campaign.Category,
            StartAt = campaign.StartAt,
            ExpiresAt = campaign.ExpiresAt,
            Priority = campaign.HighPriority ? "high" : null,
            BizOpaqueCallbackData = campaign.BizOpaqueCallbackData,
            CallbackUrl = campaign.CallbackUrl?.ToString(),
        };
        var (created, _, error) = await _campaigns.CreateAsync(request, audience, Scoped("campaign", idempotencyKey), cancellationToken).ConfigureAwait(false);
        return created is not null ? Campaign(created) : throw Refused(error!);
    }

    public async Task<CampaignInfo?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        await _campaigns.GetAsync(campaignId, cancellationToken).ConfigureAwait(false) is { } view ? Campaign(view) : null;

    public async Task<IReadOnlyList<CampaignInfo>> ListCampaignsAsync(CancellationToken cancellationToken = default) =>
        [.. (await _campaigns.ListAsync(cancellationToken).ConfigureAwait(false)).Select(Campaign)];

    public Task<CampaignInfo> PauseCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ChangeAsync(campaignId, () => _campaigns.PauseAsync(campaignId, "Paused by request."), "running or scheduled", cancellationToken);

    public Task<CampaignInfo> ResumeCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ChangeAsync(campaignId, () => _campaigns.ResumeAsync(campaignId), "paused", cancellationToken);

    public Task<CampaignInfo> CancelCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ChangeAsync(campaignId, () => _campaigns.CancelAsync(campaignId), "not ended", cancellationToken);

    public async Task<LaneInfo> GetLaneAsync(string phoneNumberId, CancellationToken cancellationToken = default) =>
        Mapping.Lane(JsonSerializer.SerializeToElement(await _grains.GetGrain<IPhoneNumberGrain>(phoneNumberId).GetSnapshotAsync().ConfigureAwait(false), EmbeddedJsonContext.Default.LaneSnapshot));

    public async Task<BusinessInfo> GetBusinessAsync(string businessId, CancellationToken cancellationToken = default) =>
        Mapping.Business(JsonSerializer.SerializeToElement(await _grains.GetGrain<IBusinessGrain>(businessId).GetSnapshotAsync().ConfigureAwait(false), EmbeddedJsonContext.Default.BusinessSnapshot));

    public async IAsyncEnumerable<StatusEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var change in _events.SubscribeAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new StatusEvent(change.MessageId, change.Status, change.At, change.ErrorCode, change.Wamid, change.CampaignId);
        }
    }

    private async Task<CampaignInfo> ChangeAsync(string campaignId, Func<Task<bool>> change, string expected, CancellationToken cancellationToken)
    {
        var before = await _campaigns.GetAsync(campaignId, cancellationToken).ConfigureAwait(false)
            ?? throw new WaDispatchException(CloudApiError.Create(ErrorCodes.InvalidParameter, "Unknown campaign", $"No campaign has id {campaignId}."), 404, isTransient: false, retryAfter: null);
        if (!await change().ConfigureAwait(false))
        {
            throw new WaDispatchException(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid state", $"Campaign {campaignId} is {JsonSerializer.Serialize(before.Status, EmbeddedJsonContext.Default.CampaignStatus).Trim('"')}; this needs it {expected}."), 409, isTransient: false, retryAfter: null);
        }

        return Campaign((await _campaigns.GetAsync(campaignId, cancellationToken).ConfigureAwait(false))!);
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
