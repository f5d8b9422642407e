using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaDispatch.Grains.Messages;

/// <summary>
/// Forwards this silo's status changes (<see cref="MessageEvents"/>) to <see cref="IStatusEventsGrain"/> while an
/// Orleans client subscribes there, in batches at most every 100 ms. It asks once a second whether anyone does, and
/// listens locally only then, so that status changes cost nothing while nobody watches.
/// </summary>
public sealed partial class StatusEventsForwarder(MessageEvents events, IGrainFactory grains, ILogger<StatusEventsForwarder> logger) : BackgroundService
{
    private static readonly TimeSpan Check = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Batch = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hub = grains.GetGrain<IStatusEventsGrain>(IStatusEventsGrain.Key);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await hub.HasSubscribersAsync().ConfigureAwait(false))
                {
                    await ForwardAsync(hub, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.ForwardingFailed(logger, ex);
            }

            await Task.Delay(Check, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Forwards while the hub has subscribers (asked again every second).</summary>
    private async Task ForwardAsync(IStatusEventsGrain hub, CancellationToken stoppingToken)
    {
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var batch = new List<MessageStatusEvent>();
        var flush = Task.Delay(Batch, listening.Token);
        var check = DateTime.UtcNow + Check;
        await using var changes = events.SubscribeAsync(listening.Token).GetAsyncEnumerator(listening.Token);
        var next = changes.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                if (await Task.WhenAny(next, flush).ConfigureAwait(false) == next)
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        return;
                    }

                    batch.Add(changes.Current);
                    next = changes.MoveNextAsync().AsTask();
                    continue;
                }

                if (batch.Count > 0)
                {
                    await hub.PublishAsync(batch).ConfigureAwait(false);
                    batch = [];
                }

                if (DateTime.UtcNow >= check)
                {
                    if (!await hub.HasSubscribersAsync().ConfigureAwait(false))
                    {
                        return;
                    }

                    check = DateTime.UtcNow + Check;
                }

                flush = Task.Delay(Batch, listening.Token);
            }
        }
        finally
        {
            await listening.CancelAsync().ConfigureAwait(false);
            try
            {
                await next.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The local subscription ended with the cancellation above.
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2311, Level = LogLevel.Warning, Message = "Forwarding status events to subscribed Orleans clients failed; trying again in a second")]
        public static partial void ForwardingFailed(ILogger logger, Exception exception);
    }
}
