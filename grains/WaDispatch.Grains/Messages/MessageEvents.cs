using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace WaDispatch.Grains.Messages;

/// <summary>
/// Status changes as they are committed, for whoever listens now (the silo's <c>GET /v1/events</c>, an
/// embedded client's subscription). Live only: nothing is kept for a listener that comes later or falls
/// more than <see cref="Buffer"/> events behind (the oldest are dropped for it). Status callbacks are the
/// durable path. Costs nothing while nobody listens.
/// </summary>
public sealed class MessageEvents
{
    /// <summary>How many events a slow listener may fall behind before it loses the oldest.</summary>
    public const int Buffer = 10_000;

    private readonly Lock _lock = new();
    private Channel<MessageStatusEvent>[] _listeners = [];

    /// <summary>True while someone listens.</summary>
    public bool HasListeners => Volatile.Read(ref _listeners).Length > 0;

    /// <summary>The status changes committed from now on, until <paramref name="cancellationToken"/> ends the subscription.</summary>
    public async IAsyncEnumerable<MessageStatusEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<MessageStatusEvent>(new BoundedChannelOptions(Buffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _listeners = [.. _listeners, channel];
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var change))
                {
                    yield return change;
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _listeners = [.. _listeners.Where(l => l != channel)];
            }
        }
    }

    /// <summary>Tells every listener of <paramref name="change"/>.</summary>
    internal void Publish(MessageStatusEvent change)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.Writer.TryWrite(change);
        }
    }
}
