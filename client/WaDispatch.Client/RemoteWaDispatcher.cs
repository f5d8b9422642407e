using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.Client;

/// <summary>
/// <see cref="IWaDispatcher"/> over HTTP. Every call that changes something carries an
/// <c>Idempotency-Key</c> (the caller's, or a new one per call), kept across the client's own retries, so a
/// retry after a lost answer returns the first result and sends nothing twice. Transient failures (network,
/// timeouts, 500/502/503/504) are retried with doubling delays and jitter, honouring <c>Retry-After</c>.
/// </summary>
internal sealed class RemoteWaDispatcher : IWaDispatcher
{
    private const string IdempotencyHeader = "Idempotency-Key";
    private const string MessageIdHeader = "X-WaDispatch-Message-Id";

    private readonly HttpClient _http;
    private readonly WaDispatchClientOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    public RemoteWaDispatcher(HttpClient http, IOptions<WaDispatchClientOptions> options)
    {
        _http = http;
        _options = options.Value;
        _http.BaseAddress = _options.BaseAddress;
        _http.Timeout = Timeout.InfiniteTimeSpan;
        if (_options.ApiKey is { Length: > 0 } key)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        _retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(_options.MaxRetries > 0 && IsTransient(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response) : null),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    public async Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentNullException.ThrowIfNull(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, CloudApiJsonContext.Wire.SendMessageRequest);
        using var response = await SendWithRetriesAsync(HttpMethod.Post, $"{_options.ApiVersion}/{Uri.EscapeDataString(phoneNumberId)}/messages", body, "application/json", idempotencyKey ?? NewKey(), cancellationToken).ConfigureAwait(false);
        var messageId = response.Headers.TryGetValues(MessageIdHeader, out var ids) ? ids.FirstOrDefault() : null;
        if (response.IsSuccessStatusCode)
        {
            var sent = await ReadAsync(response, CloudApiJsonContext.Wire.SendMessageResponse, cancellationToken).ConfigureAwait(false);
            return new SendResult(messageId, sent?.Messages is [{ Id: { } wamid }, ..] ? wamid : null, null);
        }

        var error = await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if (error is not null && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests)
        {
            // Meta's and WaDispatch's refusals of this message: an expected outcome, returned, not thrown.
            return new SendResult(messageId, null, SendRejection.From(error, RetryAfter(response)));
        }

        throw Failure(response, error);
    }

    public async Task<MessageInfo> EnqueueAsync(OutgoingMessage message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(Body(message), ClientJsonContext.Default.MessageBody);
        using var response = await SendWithRetriesAsync(HttpMethod.Post, "v1/messages", body, "application/json", idempotencyKey ?? NewKey(), cancellationToken).ConfigureAwait(false);
        return await ReadOrThrowAsync(response, ClientJsonContext.Default.MessageInfo, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<BatchResult>> EnqueueBatchAsync(IReadOnlyList<OutgoingMessage> messages, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var body = JsonSerializer.SerializeToUtf8Bytes(new BatchBody([.. messages.Select(Body)]), ClientJsonContext.Default.BatchBody);
        using var response = await SendWithRetriesAsync(HttpMethod.Post, "v1/messages/batch", body, "application/json", idempotencyKey ?? NewKey(), cancellationToken).ConfigureAwait(false);
        var answer = await ReadOrThrowAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken, acceptBadRequestBody: true).ConfigureAwait(false);
        if (!answer.TryGetProperty("results", out var results))
        {
            throw Failure(response, Error(answer));
        }

        return [.. results.EnumerateArray().Select(r => new BatchResult(
            r.TryGetProperty("message", out var m) ? m.Deserialize(ClientJsonContext.Default.MessageInfo) : null,
            r.TryGetProperty("error", out var e) ? e.Deserialize(CloudApiJsonContext.Wire.CloudApiError) : null))];
    }

    public async Task<MessageInfo?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        using var response = await SendWithRetriesAsync(HttpMethod.Get, $"v1/messages/{Uri.EscapeDataString(messageId)}", null, null, null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadOrThrowAsync(response, ClientJsonContext.Default.MessageInfo, cancellationToken).ConfigureAwait(false);
    }

    public Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, IAsyncEnumerable<Recipient> audience, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audience);
        return UploadAsync(campaign, new NdjsonContent(audience), "audience.ndjson", idempotencyKey, cancellationToken);
    }

    /// <summary>
    /// The campaign part, then the audience streamed as it is read: never held whole, so it cannot be replayed
    /// either, and the upload is not retried (the idempotency key still makes a caller's own retry safe).
    /// </summary>
    private async Task<CampaignInfo> UploadAsync(NewCampaign campaign, HttpContent audience, string fileName, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var definition = new CampaignBody(campaign.PhoneNumberId, campaign.Template, campaign.Category, campaign.StartAt, campaign.ExpiresAt, campaign.HighPriority ? "high" : null, campaign.BizOpaqueCallbackData, campaign.CallbackUrl?.ToString());
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(definition, ClientJsonContext.Default.CampaignBody)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, "campaign");
        form.Add(audience, "audience", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/campaigns") { Content = form };
        request.Headers.Add(IdempotencyHeader, idempotencyKey ?? NewKey());
        using var timeout = Deadline(TimeSpan.FromHours(1), cancellationToken);
        using var response = await SendOnceAsync(request, timeout.Token).ConfigureAwait(false);
        return Mapping.Campaign(await ReadOrThrowAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false));
    }

    public Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, Stream audienceFile, AudienceFormat format, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audienceFile);
        var file = new StreamContent(audienceFile) { Headers = { ContentType = new MediaTypeHeaderValue(format == AudienceFormat.Csv ? "text/csv" : "application/x-ndjson") } };
        return UploadAsync(campaign, file, format == AudienceFormat.Csv ? "audience.csv" : "audience.ndjson", idempotencyKey, cancellationToken);
    }

    public async Task<CampaignInfo?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        using var response = await SendWithRetriesAsync(HttpMethod.Get, $"v1/campaigns/{Uri.EscapeDataString(campaignId)}", null, null, null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : Mapping.Campaign(await ReadOrThrowAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<CampaignInfo>> ListCampaignsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendWithRetriesAsync(HttpMethod.Get, "v1/campaigns", null, null, null, cancellationToken).ConfigureAwait(false);
        var list = await ReadOrThrowAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false);
        return [.. list.GetProperty("data").EnumerateArray().Select(Mapping.Campaign)];
    }

    public Task<CampaignInfo> PauseCampaignAsync(string campaignId, CancellationToken cancellationToken = default) => ChangeAsync(campaignId, "pause", cancellationToken);

    public Task<CampaignInfo> ResumeCampaignAsync(string campaignId, CancellationToken cancellationToken = default) => ChangeAsync(campaignId, "resume", cancellationToken);

    public Task<CampaignInfo> CancelCampaignAsync(string campaignId, CancellationToken cancellationToken = default) => ChangeAsync(campaignId, "cancel", cancellationToken);

    public async Task<LaneInfo> GetLaneAsync(string phoneNumberId, CancellationToken cancellationToken = default)
    {
        using var response = await SendWithRetriesAsync(HttpMethod.Get, $"v1/phone-numbers/{Uri.EscapeDataString(phoneNumberId)}", null, null, null, cancellationToken).ConfigureAwait(false);
        return Mapping.Lane(await ReadOrThrowAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false));
    }

    public async Task<BusinessInfo> GetBusinessAsync(string businessId, CancellationToken cancellationToken = default)
    {
        using var response = await SendWithRetriesAsync(HttpMethod.Get, $"v1/businesses/{Uri.EscapeDataString(businessId)}", null, null, null, cancellationToken).ConfigureAwait(false);
        return Mapping.Business(await ReadOrThrowAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false));
    }

    public async IAsyncEnumerable<StatusEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, await ErrorAsync(response, cancellationToken).ConfigureAwait(false));
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.EventType == "message.status" && JsonSerializer.Deserialize(item.Data, ClientJsonContext.Default.StatusEvent) is { } change)
            {
                yield return change;
            }
        }
    }

    private async Task<CampaignInfo> ChangeAsync(string campaignId, string change, CancellationToken cancellationToken)
    {
        using var response = await SendWithRetriesAsync(HttpMethod.Post, $"v1/campaigns/{Uri.EscapeDataString(campaignId)}/{change}", null, null, null, cancellationToken).ConfigureAwait(false);
        return Mapping.Campaign(await ReadOrThrowAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false));
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpMethod method, string path, byte[]? body, string? contentType, string? idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(
                async token =>
                {
                    // A fresh request per attempt, with the same body and the same key.
                    using var request = new HttpRequestMessage(method, path);
                    if (body is not null)
                    {
                        request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(contentType!) } };
                    }

                    if (idempotencyKey is not null)
                    {
                        request.Headers.Add(IdempotencyHeader, idempotencyKey);
                    }

                    using var timeout = Deadline(_options.Timeout, token);
                    return await SendOnceAsync(request, timeout.Token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new WaDispatchException(null, null, isTransient: true, retryAfter: null, ex);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) => _http.SendAsync(request, cancellationToken);

    private static CancellationTokenSource Deadline(TimeSpan after, CancellationToken token)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(after);
        return timeout;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken callerToken) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        { Exception: OperationCanceledException } => !callerToken.IsCancellationRequested,
        { Result: { } response } => response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout,
        _ => false,
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadOrThrowAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken, bool acceptBadRequestBody = false)
    {
        if (response.IsSuccessStatusCode || (acceptBadRequestBody && response.StatusCode == HttpStatusCode.BadRequest))
        {
            return (await ReadAsync(response, type, cancellationToken).ConfigureAwait(false))!;
        }

        throw Failure(response, await ErrorAsync(response, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<CloudApiError?> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await ReadAsync(response, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false);
            return Error(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CloudApiError? Error(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) ? error.Deserialize(CloudApiJsonContext.Wire.CloudApiError) : null;

    private static WaDispatchException Failure(HttpResponseMessage response, CloudApiError? error)
    {
        var status = (int)response.StatusCode;
        var transient = status is 408 or 429 or >= 500;
        return new WaDispatchException(error, status, transient, RetryAfter(response));
    }

    private static MessageBody Body(OutgoingMessage message) =>
        new(message.PhoneNumberId, message.Message, message.ExpiresAt, message.CallbackUrl?.ToString());

    private static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>An audience written as NDJSON while the request body streams.</summary>
    private sealed class NdjsonContent : HttpContent
    {
        private readonly IAsyncEnumerable<Recipient> _audience;

        public NdjsonContent(IAsyncEnumerable<Recipient> audience)
        {
            _audience = audience;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var newline = "\n"u8.ToArray();
            await foreach (var recipient in _audience.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var row = new Dictionary<string, string>(recipient.Values ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["to"] = recipient.To };
                await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(row, ClientJsonContext.Default.DictionaryStringString), cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(newline, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
