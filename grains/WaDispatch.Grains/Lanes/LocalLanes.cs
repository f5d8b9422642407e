using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// The lanes active on this silo, so that a stopping silo can let go of the callers waiting in them and let what is
/// upstream come back before Orleans deactivates its grains: Orleans deactivates an activation only once no call is
/// running in it (a caller of <see cref="IPhoneNumberGrain.SendAsync"/> waits in its lane until its send ends), and a
/// send whose answer came back after the silo stopped would be left with its outcome unknown.
/// </summary>
/// <remarks>
/// Bookkeeping of this process only (which activations it hosts), never state another silo needs. Its stop runs
/// first of all stages, before Orleans tells clients to go elsewhere and deactivates the grains.
/// </remarks>
public sealed partial class LocalLanes(ILogger<LocalLanes> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longer than the Cloud API client's timeout: a send upstream when the silo stops gets its answer.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(25);

    private readonly ConcurrentDictionary<string, (IPhoneNumberGrain Lane, LanePump Pump)> _lanes = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(LocalLanes), ServiceLifecycleStage.Active + 1, _ => Task.CompletedTask, ReleaseAllAsync);
    }

    private int _count;

    /// <summary>How many lanes are active on this silo (they share <see cref="LaneOptions.MaxBacklogMemory"/>).</summary>
    internal int Count => Volatile.Read(ref _count);

    internal void Add(string phoneNumberId, IPhoneNumberGrain lane, LanePump pump)
    {
        if (_lanes.TryAdd(phoneNumberId, (lane, pump)))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _lanes[phoneNumberId] = (lane, pump);
        }
    }

    internal void Remove(string phoneNumberId)
    {
        if (_lanes.TryRemove(phoneNumberId, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        var lanes = _lanes.Values.ToList();
        try
        {
            await Task.WhenAll(lanes.Select(l => l.Lane.ReleaseAsync().AsTask())).WaitAsync(ReleaseTimeout, cancellationToken).ConfigureAwait(false);

            // What is upstream finishes while the silo still serves calls: its answer reaches the lane and the ledger as usual.
            await Task.WhenAll(lanes.Select(l => l.Pump.DrainAsync())).WaitAsync(DrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The silo stops anyway; a lane not released in time is deactivated once its callers' sends end.
            Log.ReleaseFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2322, Level = LogLevel.Warning, Message = "Letting go of the callers waiting in this silo's lanes failed while it stopped")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception);
    }
}
