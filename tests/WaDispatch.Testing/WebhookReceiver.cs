using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WaDispatch.Testing;

/// <summary>A webhook endpoint on real Kestrel that records what it receives and can be told to fail.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private KestrelApp? _app;
    private int _failuresLeft;

    /// <summary>Where to send webhooks.</summary>
    public Uri Url => new(_app!.Address, "webhooks");

    /// <summary>Starts the receiver.</summary>
    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver._app = await KestrelApp.StartAsync(_ => { }, app => app.MapPost("/webhooks", (Delegate)receiver.ReceiveAsync));
        return receiver;
    }

    /// <summary>Answers the next <paramref name="count"/> deliveries with 500.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    /// <summary>The next webhook received, waiting at most <paramref name="timeout"/> (default 10 s).</summary>
    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Webhooks received and not yet taken.</summary>
    public int Waiting => _received.Reader.Count;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            return Results.StatusCode(500);
        }

        // Meta signs with X-Hub-Signature-256; WaDispatch's own callbacks with X-WaDispatch-Signature-256.
        var signature = context.Request.Headers.TryGetValue("X-Hub-Signature-256", out var hub) ? hub.ToString() : context.Request.Headers["X-WaDispatch-Signature-256"].ToString();
        await _received.Writer.WriteAsync(new ReceivedWebhook(body.ToArray(), signature));
        return Results.Ok();
    }
}
