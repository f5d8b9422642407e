using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// A lane's departures: a send leaves only while fewer than the cap left in the second before it, and no sooner than
/// the spacing of a rate a little above the cap allows (in bursts of at most <see cref="BurstSpan"/>'s worth). The pacer
/// spaces permits; this keeps the spacing when something between permit and departure releases sends together — a
/// stall of the process, or the ledger's group commit of their <c>sending</c> marks.
/// </summary>
/// <remarks>
/// <para>
/// A send whose answer comes late holds its place for longer than a second. Meta counts a send when it arrives, some
/// time between its departure and its answer. The sends <c>cap</c> places after it must arrive a second after it did,
/// and its arrival can be as late as its answer, so it holds its place until a second after its answer, less the
/// lane's fastest round trip of its last two stretches of answers (the part of every send's time that is the way there
/// and back, not a wait; none in the lane's first 10 s). The cap is the tier itself; a delay within the pace's slack
/// costs nothing all the same: paced at the tier less the headroom, the send <c>cap</c> places later is due 25 ms
/// after the second has passed (at the default 2.5 %). On a quiet path the answer is that fast, and a send holds its
/// place for the second after its departure, as it always did. When something delays sends — a busy machine, a
/// stall, a slow network — the sends behind them wait for the delay too, instead of arriving at Meta a delay's worth
/// closer than a second. Before this, the headroom
/// (2.5 %, 25 ms a second) was all the room a delay had, and the 1,000,000-message backlog run had 25–32 130429s on
/// each number: sends on time that arrived at Meta bunched. A send still in flight a second after it left is not
/// counted until its answer comes. Until issue 22's later runs the cap was the pace rounded up, a little below most
/// tiers, and the hold gave back the room that left (25 ms at 80 and 1,000 mps); with the cap at the tier that room
/// is the pace's slack above, and with the silo's cores full the full hold drew no 130429 at 250 and 1,000 mps where
/// the shorter one drew 15–44 a run (README, "The pacer's cap is the tier").
/// </para>
/// <para>
/// Why spacing as well as the sliding second: sends released in a clump, with the second full, leave again in a clump
/// exactly a second later, when the first clump ages out. Meta counts arrivals, so the later clump arriving a
/// millisecond faster than the earlier one put both in one of Meta's seconds, over the tier by a clump. Spaced
/// departures give the network's jitter nothing to bunch.
/// </para>
/// </remarks>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "A SemaphoreSlim holds nothing to dispose unless its AvailableWaitHandle is asked for, and this one's never is.")]
internal sealed class DepartureWindow(TimeProvider time)
{
    /// <summary>How much faster than the cap's rate departures may leave, to catch up after a stall.</summary>
    private const double CatchUp = 1.1;

    /// <summary>The most departures that may leave together: this span's worth at the cap.</summary>
    private static readonly TimeSpan BurstSpan = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a lane's fastest round trip is remembered: between one and two of these.</summary>
    private static readonly TimeSpan RoundTripMemory = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();

    // One departure waits at a time, the others behind it in order (SemaphoreSlim's waiters are served first come,
    // first served).
    private readonly SemaphoreSlim _turn = new(1, 1);

    // The departures of the last second, in order.
    private readonly Queue<Departure> _departures = new();

    // Departures older than a second still holding their place (their answer came late), by when they let it go.
    private readonly PriorityQueue<Departure, long> _late = new();

    // The fastest round trip (departure to answer) of this stretch of RoundTripMemory and of the one before it. Before
    // the first stretch there is none (0): a new lane holds a late send until a full second after its answer, since
    // its first answers (cold connections, code not yet compiled) are no measure of the way there and back.
    private long _fastest = long.MaxValue;
    private long _fastestBefore;
    private long _stretchStart = time.GetTimestamp();

    // The earliest instant the next departure is due at the spaced rate (the generic cell rate algorithm's "TAT").
    private long _nextDue;

    // The latest departure recorded.
    private Departure? _lastDeparture;

    /// <summary>
    /// Waits until a departure may leave under <paramref name="cap"/>, records it, and returns its timestamp. Departures
    /// wait one at a time, in the order they asked: when every send of a take waited on a timer of its own, each
    /// departure woke all of them, one left and the rest asked again — at 1,000 mps a lane made dozens of
    /// <see cref="Reserve"/> calls and timers per message, 1.5 ms of the silo's CPU per message on the tiers run
    /// (issue 22). Now one timer runs at a time, of whole milliseconds, and the sends behind it leave without one while the
    /// burst allowance lasts.
    /// </summary>
    public async Task<Departure> DepartAsync(int cap)
    {
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            for (var wait = Reserve(cap); wait > TimeSpan.Zero; wait = Reserve(cap))
            {
                // Timers count whole milliseconds: a shorter wait would fire at once and ask again, a spin.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), time).ConfigureAwait(false);
            }

            return _lastDeparture!;
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

            while (_departures.TryPeek(out var oldest) && now - oldest.At >= second)
            {
                _departures.Dequeue();
                oldest.Held = oldest.Until > now;
                if (oldest.Held)
                {
                    _late.Enqueue(oldest, oldest.Until);
                }
            }

            // A late departure's Until is final once queued: it is queued after its one answer.
            while (_late.TryPeek(out var late, out var letGo) && letGo <= now)
            {
                Debug.Assert(late.Until == letGo, "A late departure's Until moved while it was queued (answered twice?).");
                _late.Dequeue();
                late.Held = false;
            }

            // The cap can fall (a lower tier): the excess ages out first.
            var held = _departures.Count + _late.Count;
            if (held >= cap)
            {
                if (_late.Count == 0)
                {
                    var skip = _departures.Count - cap;
                    return Ticks(_departures.ElementAt(skip).At + second - now, second);
                }

                // Ask again when the first place is let go.
                _late.TryPeek(out _, out var lateFree);
                var freesAt = _departures.TryPeek(out var first) ? Math.Min(first.At + second, lateFree) : lateFree;
                return Ticks(freesAt - now, second);
            }

            var departure = new Departure(now, now + second);
            _departures.Enqueue(departure);
            _lastDeparture = departure;
            _nextDue = (long)Math.Ceiling(due + interval);
            return TimeSpan.Zero;
        }
    }

    /// <summary>
    /// <paramref name="departure"/>'s answer came (whatever it was, or that there will be none): it holds its place
    /// until a second after now, less the lane's fastest round trip of late (at least the second after it left). Only an answer from Meta (<paramref name="fromMeta"/>) is a round trip: a refusal on this side of the
    /// network (no connection) comes back at once and would make every send hold its whole round trip.
    /// </summary>
    public void Answered(Departure departure, bool fromMeta = true)
    {
        ArgumentNullException.ThrowIfNull(departure);
        var second = time.TimestampFrequency;
        lock (_lock)
        {
            // Read under the lock: a Reserve that let the send go at a later instant has already run.
            var now = time.GetTimestamp();
            if (now - _stretchStart >= RoundTripMemory.TotalSeconds * second)
            {
                (_fastestBefore, _fastest, _stretchStart) = (_fastest, long.MaxValue, now);
            }

            if (fromMeta)
            {
                _fastest = Math.Min(_fastest, now - departure.At);
            }

            var floor = Math.Min(_fastest, _fastestBefore);
            departure.Until = Math.Max(departure.Until, now + second - (floor == long.MaxValue ? 0 : floor));
            if (!departure.Held && departure.Until > now)
            {
                // Let go of while it was still on its way: held again from its answer.
                departure.Held = true;
                _late.Enqueue(departure, departure.Until);
            }
        }
    }

    /// <summary>A wait of <paramref name="ticks"/> timestamp ticks, never shorter than one <see cref="TimeSpan"/> tick: a wait that rounded to zero would read as "reserved".</summary>
    private static TimeSpan Ticks(double ticks, long second) => TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(ticks * TimeSpan.TicksPerSecond / second)));

    /// <summary>
    /// A send that left: when (a <see cref="TimeProvider"/> timestamp), and until when it holds its place in the sliding
    /// second.
    /// </summary>
    internal sealed class Departure(long at, long until)
    {
        /// <summary>When it left.</summary>
        public long At { get; } = at;

        /// <summary>Until when it counts against the cap: a second after it left, or later once its answer came late.</summary>
        public long Until { get; set; } = until;

        /// <summary>Whether the window still counts it (in the last second's departures, or among the late ones).</summary>
        public bool Held { get; set; } = true;
    }
}
