using System.Diagnostics.CodeAnalysis;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// A lane's departures: a send leaves only while fewer than the cap left in the second before it, and no sooner than
/// the spacing of a rate a little above the cap allows (in bursts of at most <see cref="BurstSpan"/>'s worth). The pacer
/// spaces permits; this keeps the spacing when something between permit and departure releases sends together — a
/// stall of the process, or the ledger's group commit of their <c>sending</c> marks.
/// </summary>
/// <remarks>
/// Why spacing as well as the sliding second: sends released in a clump, with the second full, leave again in a clump
/// exactly a second later, when the first clump ages out. Meta counts arrivals, so the later clump arriving a
/// millisecond faster than the earlier one put both in one of Meta's seconds, over the tier by a clump. Spaced
/// departures give the network's jitter nothing to bunch.
/// </remarks>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "A SemaphoreSlim holds nothing to dispose unless its AvailableWaitHandle is asked for, and this one's never is.")]
internal sealed class DepartureWindow(TimeProvider time)
{
    /// <summary>How much faster than the cap's rate departures may leave, to catch up after a stall.</summary>
    private const double CatchUp = 1.1;

    /// <summary>The most departures that may leave together: this span's worth at the cap.</summary>
    private static readonly TimeSpan BurstSpan = TimeSpan.FromMilliseconds(20);

    private readonly Lock _lock = new();

    // One departure waits at a time, the others behind it in order (SemaphoreSlim's waiters are served first come,
    // first served).
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Queue<long> _departures = new();

    // The earliest instant the next departure is due at the spaced rate (the generic cell rate algorithm's "TAT").
    private long _nextDue;

    // When the latest departure was recorded.
    private long _lastDeparture;

    /// <summary>
    /// Waits until a departure may leave under <paramref name="cap"/>, records it, and returns its timestamp. Departures
    /// wait one at a time, in the order they asked: when every send of a take waited on a timer of its own, each
    /// departure woke all of them, one left and the rest asked again — at 1,000 mps a lane made dozens of
    /// <see cref="Reserve"/> calls and timers per message, 1.5 ms of the silo's CPU per message on the tiers run
    /// (issue 22). Now one timer runs at a time, of whole milliseconds, and the sends behind it leave without one while the
    /// burst allowance lasts.
    /// </summary>
    public async Task<long> DepartAsync(int cap)
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            for (var wait = Reserve(cap); wait > TimeSpan.Zero; wait = Reserve(cap))
            {
                // Timers count whole milliseconds: a shorter wait would fire at once and ask again, a spin.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), time).ConfigureAwait(false);
            }

            return _lastDeparture;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Records a departure now and returns zero, or returns how long to wait before asking again.</summary>
    public TimeSpan Reserve(int cap)
    {
        var now = time.GetTimestamp();
        var second = time.TimestampFrequency;
        var interval = second / (cap * CatchUp);
        var tolerance = Math.Max(0, (cap * BurstSpan.TotalSeconds) - 1) * interval;
        lock (_lock)
        {
            var due = Math.Max(_nextDue, now);
            if (due - tolerance > now)
            {
                return Ticks(due - tolerance - now, second);
            }

            while (_departures.TryPeek(out var oldest) && now - oldest >= second)
            {
                _departures.Dequeue();
            }

            // The cap can fall (a lower tier): the excess ages out first.
            if (_departures.Count >= cap)
            {
                var skip = _departures.Count - cap;
                var freesAt = _departures.ElementAt(skip) + second;
                return Ticks(freesAt - now, second);
            }

            _departures.Enqueue(now);
            _lastDeparture = now;
            _nextDue = (long)Math.Ceiling(due + interval);
            return TimeSpan.Zero;
        }
    }

    /// <summary>A wait of <paramref name="ticks"/> timestamp ticks, never shorter than one <see cref="TimeSpan"/> tick: a wait that rounded to zero would read as "reserved".</summary>
    private static TimeSpan Ticks(double ticks, long second) => TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(ticks * TimeSpan.TicksPerSecond / second)));
}
