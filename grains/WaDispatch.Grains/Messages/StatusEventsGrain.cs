using Microsoft.Extensions.Logging;

namespace WaDispatch.Grains.Messages;

/// <summary>Passes every silo's status changes on to the Orleans clients that subscribe; keeps nothing else.</summary>
/// <remarks>
/// Reentrant: its state is the subscriber list alone, changed in synchronous steps, and a publish must not wait behind
/// a slow subscriber's call (observer calls are one-way anyway).
/// </remarks>
[Reentrant]
public sealed partial class StatusEventsGrain(TimeProvider time, ILogger<StatusEventsGrain> logger) : Grain, IStatusEventsGrain
{
    private readonly Dictionary<IStatusObserver, DateTimeOffset> _subscribers = [];

    /// <inheritdoc />
    public ValueTask SubscribeAsync(IStatusObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _subscribers[observer] = time.GetUtcNow() + IStatusEventsGrain.SubscriptionLifetime;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask UnsubscribeAsync(IStatusObserver observer)
    {
        _subscribers.Remove(observer);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> HasSubscribersAsync()
    {
        Expire();
        return ValueTask.FromResult(_subscribers.Count > 0);
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(IReadOnlyList<MessageStatusEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Expire();
        foreach (var observer in _subscribers.Keys)
        {
            try
            {
                // One-way: nothing comes back to wait for.
                observer.OnStatusesAsync(events).AsTask().Ignore();
            }
            catch (Exception ex)
            {
                // A client that went away: its subscription lapses.
                Log.NotDelivered(logger, ex);
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Expire()
    {
        var now = time.GetUtcNow();
        foreach (var (observer, until) in _subscribers.ToList())
        {
            if (until <= now)
            {
                _subscribers.Remove(observer);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2310, Level = LogLevel.Debug, Message = "Status events could not be passed to a subscriber")]
        public static partial void NotDelivered(ILogger logger, Exception exception);
    }
}
