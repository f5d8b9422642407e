using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Simulator.State;

namespace WaDispatch.Simulator.Webhooks;

/// <summary>
/// Delivers webhooks like Meta: signed with <c>X-Hub-Signature-256</c>, after a delay, retried with
/// doubling backoff when the receiver fails. Never throws into its caller.
/// </summary>
public sealed partial class WebhookSender : IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> deliveries use.</summary>
    public const string HttpClientName = "WaDispatch.Simulator.Webhooks";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private readonly IHttpClientFactory _httpClients;
    private readonly IOptionsMonitor<SimulatorOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WebhookSender> _logger;
    private readonly WebhookSubscriptions _subscriptions;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _concurrency = new(64);
    private long _delivered;
    private long _failedAttempts;
    private long _abandoned;
    private long _pending;
    private long _unsubscribed;

    /// <summary>Creates the sender.</summary>
    public WebhookSender(IHttpClientFactory httpClients, IOptionsMonitor<SimulatorOptions> options, TimeProvider timeProvider, ILogger<WebhookSender> logger, WebhookSubscriptions subscriptions)
    {
        _subscriptions = subscriptions;
        _httpClients = httpClients;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Delivery counters.</summary>
    public WebhookStats Stats => new(Interlocked.Read(ref _delivered), Interlocked.Read(ref _failedAttempts), Interlocked.Read(ref _abandoned), Interlocked.Read(ref _pending), Interlocked.Read(ref _unsubscribed));

    /// <summary>
    /// Schedules <paramref name="body"/> for delivery after <paramref name="delay"/> to the WABA's callback (its override,
    /// else <see cref="SimulatorOptions.WebhookUrl"/>); dropped, and counted, while the app is not subscribed to the WABA.
    /// </summary>
    public void Enqueue(byte[] body, TimeSpan delay)
    {
        var options = _options.CurrentValue;
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var (subscribed, callback) = _subscriptions.Of(options.BusinessAccountId, options.SubscribedByDefault);
        if (!subscribed)
        {
            // Meta sends nothing for a WABA the app is not subscribed to.
            Interlocked.Increment(ref _unsubscribed);
            return;
        }

        if ((callback ?? options.WebhookUrl) is not { } url)
        {
            return;
        }

        if (Interlocked.Increment(ref _pending) > options.MaxPendingWebhooks)
        {
            // The receiver is down or too slow: drop rather than grow without bound.
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _abandoned);
            return;
        }

        _ = DeliverAsync(url, body, delay, _stopping.Token);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _concurrency.Dispose();
    }

    private async Task DeliverAsync(Uri url, byte[] body, TimeSpan delay, CancellationToken token)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _timeProvider, token).ConfigureAwait(false);
            }

            var options = _options.CurrentValue;
            var signature = WebhookSignature.Compute(body, options.AppSecret);
            var retryDelay = options.WebhookRetryDelay;
            for (var attempt = 1; attempt <= options.MaxWebhookAttempts; attempt++)
            {
                if (await TryPostAsync(url, body, signature, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _delivered);
                    return;
                }

                if (attempt == options.MaxWebhookAttempts)
                {
                    Interlocked.Increment(ref _failedAttempts);
                    break;
                }

                // The retry's timer starts before the failure is counted, so whoever sees the count and moves the
                // clock finds the retry due exactly its delay after the failure.
                var retry = Task.Delay(retryDelay, _timeProvider, token);
                Interlocked.Increment(ref _failedAttempts);
                await retry.ConfigureAwait(false);
                retryDelay = retryDelay >= MaxRetryDelay / 2 ? MaxRetryDelay : retryDelay * 2;
            }

            Interlocked.Increment(ref _abandoned);
            LogAbandoned(url, options.MaxWebhookAttempts);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The simulator is stopping.
        }
        catch (ObjectDisposedException) when (token.IsCancellationRequested)
        {
            // The simulator stopped while this delivery waited.
        }
        catch (Exception ex)
        {
            // A fire-and-forget delivery must never fault unseen.
            Interlocked.Increment(ref _abandoned);
            LogDeliveryFailed(ex, url);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    private async Task<bool> TryPostAsync(Uri url, byte[] body, string signature, CancellationToken token)
    {
        await _concurrency.WaitAsync(token).ConfigureAwait(false);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
            };
            request.Headers.Add(WebhookSignature.HeaderName, signature);
            using var response = await _httpClients.CreateClient(HttpClientName).SendAsync(request, token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!token.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            _concurrency.Release();
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Webhook to {Url} abandoned after {Attempts} attempts")]
    private partial void LogAbandoned(Uri url, int attempts);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Webhook delivery to {Url} failed unexpectedly")]
    private partial void LogDeliveryFailed(Exception exception, Uri url);
}
