using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Messages;

/// <summary>
/// Delivers status callbacks from the durable outbox: each as a signed JSON POST, retried with doubling
/// delays (one second up to <see cref="CallbackOptions.MaxRetryDelay"/>, with jitter) until delivered or
/// until <see cref="CallbackOptions.RetryFor"/> after the change has passed. At least once: a receiver may
/// see a callback again after a crash, and deduplicates on <c>event_id</c>.
/// </summary>
public sealed partial class CallbackSender : BackgroundService
{
    /// <summary>The name of the <see cref="HttpClient"/> callbacks are sent with.</summary>
    public const string HttpClientName = "wadispatch-callbacks";

    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "X-WaDispatch-Signature-256";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly CallbackOutboxStore _outbox;
    private readonly IHttpClientFactory _http;
    private readonly IOptionsMonitor<CallbackOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CallbackSender> _logger;

    /// <summary>Creates the sender.</summary>
    public CallbackSender(CallbackOutboxStore outbox, IHttpClientFactory http, IOptionsMonitor<CallbackOptions> options, TimeProvider time, ILogger<CallbackSender> logger)
    {
        _outbox = outbox;
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The signature of <paramref name="body"/> under <paramref name="secret"/>, as the header carries it.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var options = _options.CurrentValue;
                var due = await _outbox.ReadDueAsync(_time.GetUtcNow(), options.MaxConcurrent, stoppingToken).ConfigureAwait(false);
                await Task.WhenAll(due.Select(callback => DeliverAsync(callback, options, stoppingToken))).ConfigureAwait(false);
                if (due.Count < options.MaxConcurrent)
                {
                    // Polling is I/O cadence, not the domain's time: a test clock jumping a day must not spin this loop.
                    await Task.Delay(Poll, TimeProvider.System, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.OutboxFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeliverAsync(DueCallback callback, CallbackOptions options, CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        if (now > callback.ExpiresAt || options.Secret is not { Length: > 0 } secret)
        {
            Log.GaveUp(_logger, callback.Id, callback.MessageId, callback.Status, callback.Attempts);
            await _outbox.DeleteAsync(callback.Id, stoppingToken).ConfigureAwait(false);
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(Event(callback), CallbackJsonContext.Default.StatusCallback);
        bool delivered;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, callback.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(SignatureHeader, Sign(body, secret));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(options.Timeout);
            using var response = await _http.CreateClient(HttpClientName).SendAsync(request, timeout.Token).ConfigureAwait(false);
            delivered = response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
        {
            delivered = false;
        }

        if (delivered)
        {
            await _outbox.DeleteAsync(callback.Id, stoppingToken).ConfigureAwait(false);
            return;
        }

        var attempts = callback.Attempts + 1;
        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempts - 1), options.MaxRetryDelay.TotalSeconds)) * (0.5 + (Random.Shared.NextDouble() / 2));
        await _outbox.RescheduleAsync(callback.Id, attempts, now + delay, stoppingToken).ConfigureAwait(false);
    }

    private static StatusCallback Event(DueCallback callback)
    {
        CloudApiError? error = null;
        if (callback.ErrorCode is not null && callback.Error is { } json)
        {
            try
            {
                error = JsonSerializer.Deserialize(json, CloudApi.Serialization.CloudApiJsonContext.Wire.CloudApiError);
            }
            catch (JsonException)
            {
                error = null;
            }
        }

        return new StatusCallback(
            callback.Id,
            callback.MessageId,
            callback.CampaignId,
            callback.PhoneNumberId,
            callback.WaId,
            callback.Wamid,
            callback.Status,
            callback.At,
            callback.ErrorCode is { } code ? new StatusCallbackError(code, error?.Details ?? string.Empty) : null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2501, Level = LogLevel.Warning, Message = "Callback {CallbackId} ({Status} of message {MessageId}) given up after {Attempts} attempts")]
        public static partial void GaveUp(ILogger logger, long callbackId, string messageId, string status, int attempts);

        [LoggerMessage(EventId = 2502, Level = LogLevel.Error, Message = "Reading the callback outbox failed; trying again in a second")]
        public static partial void OutboxFailed(ILogger logger, Exception exception);
    }
}

/// <summary>The body of a status callback.</summary>
/// <param name="EventId">Unique per callback: receivers deduplicate on it.</param>
/// <param name="MessageId">WaDispatch's message id.</param>
/// <param name="CampaignId">The message's campaign, if any.</param>
/// <param name="PhoneNumberId">The business number.</param>
/// <param name="To">The recipient.</param>
/// <param name="Wamid">Meta's id of the message, once sent.</param>
/// <param name="Status">sent, delivered, read, failed, expired, skipped or deferred.</param>
/// <param name="At">When the message reached it.</param>
/// <param name="Error">Its error, for a failure or a deferral.</param>
public sealed record StatusCallback(long EventId, string MessageId, string? CampaignId, string PhoneNumberId, string To, string? Wamid, string Status, DateTimeOffset At, StatusCallbackError? Error);

/// <summary>The error in a status callback.</summary>
/// <param name="Code">The Cloud API (or WaDispatch) error code.</param>
/// <param name="Details">What it means for this message.</param>
public sealed record StatusCallbackError(int Code, string Details);

/// <summary>JSON of status callbacks: snake_case, nulls omitted.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusCallback))]
internal sealed partial class CallbackJsonContext : JsonSerializerContext;
