using Microsoft.Extensions.Time.Testing;
using WaDispatch.Grains.Lanes;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

public sealed class DepartureWindowTests
{
    [Fact]
    public void SendsReleasedTogether_LeaveSpaced_AndNoMoreThanTheCapInAnySlidingSecond()
    {
        // A stall (or one group commit of their `sending` marks) released 250 sends at once.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var window = new DepartureWindow(time);
        var departures = Depart(time, window, Enumerable.Repeat(time.GetUtcNow(), 250).ToList(), cap: 100);

        // Never more than the cap in a sliding second; spaced, with bursts of at most 20 ms' worth (2 at a cap of 100).
        Assert.Equal(100, Fullest(departures, TimeSpan.FromSeconds(1)));
        Assert.InRange(Fullest(departures, TimeSpan.FromMilliseconds(100)), 10, 13);
        Assert.Equal(250, departures.Count);

        // Held back, never lost: the first 100 within a second (a little faster than the cap, to catch up), the rest at the cap.
        Assert.InRange(departures[99] - departures[0], TimeSpan.FromSeconds(0.85), TimeSpan.FromSeconds(0.95));
        Assert.InRange(departures[^1] - departures[0], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public void ALowerCap_LetsTheExcessAgeOutFirst()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var window = new DepartureWindow(time);
        var departures = Depart(time, window, Enumerable.Repeat(time.GetUtcNow(), 100).ToList(), cap: 100);
        var now = time.GetUtcNow();

        // The cap falls to 50: the next departure waits until only the newest 49 of the 100 are in the second before it.
        var next = Depart(time, window, [now], cap: 50).Single();
        Assert.InRange(next - (departures[50] + TimeSpan.FromSeconds(1)), TimeSpan.Zero, TimeSpan.FromMilliseconds(2));
    }

    [Fact]
    public void AWaitShorterThanATimeSpanTick_IsStillAWait()
    {
        // A clock finer than TimeSpan (Linux's Stopwatch counts nanoseconds): a wait of a few nanoseconds must not read as zero, which means "reserved".
        var time = new NanosecondClock();
        var window = new DepartureWindow(time);
        Assert.Equal(TimeSpan.Zero, window.Reserve(cap: 1));
        time.Now += time.TimestampFrequency - 3;

        Assert.Equal(TimeSpan.FromTicks(1), window.Reserve(cap: 1));
    }

    [Fact]
    public void SendsWaitingTogether_LeaveInTheOrderTheyAsked_SpacedAndNoMoreThanTheCapInAnySlidingSecond()
    {
        var time = new TimerCountingClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var window = new DepartureWindow(time);
        var departing = Enumerable.Range(0, 250).Select(_ => window.DepartAsync(cap: 100)).ToList();

        // The clock moves a millisecond only while the send whose turn it is sleeps on its timer, so every departure is
        // recorded at the instant the window allowed it, however late the thread pool runs the next send's turn.
        while (departing.Any(d => !d.IsCompleted))
        {
            Assert.True(SpinWait.SpinUntil(() => time.Waiting > 0 || departing.All(d => d.IsCompleted), TimeSpan.FromSeconds(10)), "a departure neither left nor waited on a timer");
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.All(departing, d => Assert.True(d.IsCompletedSuccessfully));
        var departures = departing.Select(d => time.GetUtcNow() - time.GetElapsedTime(d.Result.At)).ToList();
        Assert.Equal(departures.Order(), departures);
        Assert.Equal(100, Fullest(departures, TimeSpan.FromSeconds(1)));
        Assert.InRange(Fullest(departures, TimeSpan.FromMilliseconds(100)), 10, 13);
        Assert.InRange(departures[99] - departures[0], TimeSpan.FromSeconds(0.85), TimeSpan.FromSeconds(0.95));
        Assert.InRange(departures[^1] - departures[0], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5));
    }

    [Theory]
    [InlineData(300, false, 1_000, 1_554)]
    [InlineData(1, false, 1_000, 1_303)]
    [InlineData(300, true, 1_050, 1_604)]
    [InlineData(600, false, 1_207, 1_854)]
    public void ASendAnsweredLate_HoldsItsPlaceUntilASecondAfterItsAnswer_LessTheLanesFastestRoundTrip(int secondAnswerMs, bool firstSeconds, int fourthLeavesByMs, int fifthLeavesByMs)
    {
        // A cap of 3: departures a little over 300 ms apart. The first send is answered after 50 ms, the second after
        // 300 or 600 ms (it may have reached Meta as late as that) or 1 ms. In a lane's first 10 s no round trip counts
        // yet.
        var lane = new Timeline(firstSeconds ? TimeSpan.Zero : TimeSpan.FromSeconds(10));

        var first = lane.Leave(cap: 3);
        lane.Time.Advance(TimeSpan.FromMilliseconds(50));
        lane.Window.Answered(first);
        var second = lane.Leave(cap: 3);
        lane.Time.Advance(TimeSpan.FromMilliseconds(secondAnswerMs));
        lane.Window.Answered(second);
        var third = lane.Leave(cap: 3);
        lane.Window.Answered(third);
        var fourth = lane.Leave(cap: 3);
        lane.Window.Answered(fourth);
        var fifth = lane.Leave(cap: 3);

        // The fourth leaves when the first has been gone a second (in the first seconds, a second after its 50 ms
        // answer), or, after a 600 ms answer, at the spacing after the third, which left only then. The fifth, three places after the second, leaves a second after the second's answer less the fastest
        // round trip (50 ms; none in the first seconds) — or, when the second was answered at once, a second after it
        // left.
        Assert.InRange(lane.Ms(second), 300, 306);
        Assert.InRange(lane.Ms(fourth), fourthLeavesByMs, fourthLeavesByMs + 2);
        Assert.InRange(lane.Ms(fifth), fifthLeavesByMs - 2, fifthLeavesByMs + 2);
    }

    [Fact]
    public void TheFastestRoundTrip_IsRememberedForTheStretchAfterIt_ThenForgotten()
    {
        // A cap of 1. At 50 ms a first answer measures a round trip of 50 ms. In the next stretch of 10 s a send
        // answered after 300 ms holds its place until a second after its answer less those 50 ms; two stretches on,
        // the 50 ms are forgotten, the fastest round trip is that send's own 300 ms, and it holds its second only.
        var lane = new Timeline(TimeSpan.FromSeconds(10));
        var first = lane.Leave(cap: 1);
        lane.Time.Advance(TimeSpan.FromMilliseconds(50));
        lane.Window.Answered(first);

        lane.Time.Advance(TimeSpan.FromMilliseconds(10_100) - lane.Time.GetElapsedTime(lane.Start));
        var nextStretch = lane.Leave(cap: 1);
        lane.Time.Advance(TimeSpan.FromMilliseconds(300));
        lane.Window.Answered(nextStretch);
        var afterIt = lane.Leave(cap: 1);

        lane.Time.Advance(TimeSpan.FromMilliseconds(20_500) - lane.Time.GetElapsedTime(lane.Start));
        var twoStretchesOn = lane.Leave(cap: 1);
        lane.Time.Advance(TimeSpan.FromMilliseconds(300));
        lane.Window.Answered(twoStretchesOn);
        var afterThat = lane.Leave(cap: 1);

        Assert.InRange(lane.Ms(nextStretch), 10_100, 10_101);
        Assert.InRange(lane.Ms(afterIt) - lane.Ms(nextStretch), 1_250, 1_252);
        Assert.InRange(lane.Ms(twoStretchesOn), 20_500, 20_501);
        Assert.InRange(lane.Ms(afterThat) - lane.Ms(twoStretchesOn), 1_000, 1_002);
    }

    [Fact]
    public void WhenTheCapFalls_ASendAnsweredLate_StillHoldsItsPlace()
    {
        // A cap of 2; a first answer measures a round trip of 50 ms. The second send, which left at 455 ms, is answered
        // 800 ms later. Then the cap falls to 1: the next send waits for the second to go — not a second after it left
        // (1,455 ms) but a second after its answer less the 50 ms (2,205 ms).
        var lane = new Timeline(TimeSpan.FromSeconds(10));
        var first = lane.Leave(cap: 2);
        lane.Time.Advance(TimeSpan.FromMilliseconds(50));
        lane.Window.Answered(first);
        var second = lane.Leave(cap: 2);
        lane.Time.Advance(TimeSpan.FromMilliseconds(1_255) - lane.Time.GetElapsedTime(lane.Start));
        lane.Window.Answered(second);

        var third = lane.Leave(cap: 1);

        Assert.InRange(lane.Ms(second), 454, 456);
        Assert.InRange(lane.Ms(third), 2_205, 2_207);
    }

    [Fact]
    public void ASendStillOnItsWayASecondAfterItLeft_HoldsItsPlaceAgainFromItsAnswer()
    {
        // A cap of 2. The second send is answered 1,045 ms after it left: the window let it go at a second, and takes it
        // back when its answer says it may have arrived as late as that.
        var lane = new Timeline();

        var first = lane.Leave(cap: 2);
        lane.Time.Advance(TimeSpan.FromMilliseconds(1));
        lane.Window.Answered(first);
        var second = lane.Leave(cap: 2);
        var third = lane.Leave(cap: 2);
        lane.Window.Answered(third);
        var fourth = lane.Leave(cap: 2);
        lane.Window.Answered(fourth);
        lane.Time.Advance(TimeSpan.FromMilliseconds(1_500) - lane.Time.GetElapsedTime(lane.Start));
        lane.Window.Answered(second);
        var fifth = lane.Leave(cap: 2);

        // Without its answer the fifth would leave when the third has been gone a second (2,000 ms). The second holds
        // its place until a second after its answer (in a lane's first 10 s no round trip is subtracted), so the fifth
        // waits for the fourth to go, a second after it left.
        Assert.InRange(lane.Ms(second), 454, 456);
        Assert.InRange(lane.Ms(third), 1_000, 1_002);
        Assert.InRange(lane.Ms(fourth), 1_454, 1_457);
        Assert.InRange(lane.Ms(fifth), 2_454, 2_457);
    }

    /// <summary>Starts one departure and moves the clock a millisecond at a time until it has left.</summary>
    private static DepartureWindow.Departure Leave(TimerCountingClock time, DepartureWindow window, int cap)
    {
        var leaving = window.DepartAsync(cap);
        while (!leaving.IsCompleted)
        {
            Assert.True(SpinWait.SpinUntil(() => time.Waiting > 0 || leaving.IsCompleted, TimeSpan.FromSeconds(10)), "the departure neither left nor waited on a timer");
            if (!leaving.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        return leaving.Result;
    }

    /// <summary>Lets every send leave as soon as the window allows, a millisecond at a time; returns the departures in order.</summary>
    private static List<DateTimeOffset> Depart(FakeTimeProvider time, DepartureWindow window, List<DateTimeOffset> waiting, int cap)
    {
        var departures = new List<DateTimeOffset>();
        while (waiting.Count > 0)
        {
            for (var i = waiting.Count - 1; i >= 0; i--)
            {
                if (waiting[i] > time.GetUtcNow())
                {
                    continue;
                }

                var wait = window.Reserve(cap);
                if (wait == TimeSpan.Zero)
                {
                    departures.Add(time.GetUtcNow());
                    waiting.RemoveAt(i);
                }
                else
                {
                    Assert.InRange(wait, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));
                    waiting[i] = time.GetUtcNow() + wait;
                }
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        return departures;
    }

    private static int Fullest(List<DateTimeOffset> departures, TimeSpan span) =>
        departures.Select(d => departures.Count(o => o <= d && d - o < span)).Max();

    /// <summary>A window on a clock that counts its timers, begun <c>after</c> the window was made (a lane's first 10 s count no round trip).</summary>
    private sealed class Timeline
    {
        public Timeline(TimeSpan after = default)
        {
            Window = new DepartureWindow(Time);
            Time.Advance(after);
            Start = Time.GetTimestamp();
        }

        public TimerCountingClock Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        public DepartureWindow Window { get; }

        public long Start { get; }

        /// <summary>When <paramref name="departure"/> left, in milliseconds since the start.</summary>
        public double Ms(DepartureWindow.Departure departure) => Time.GetElapsedTime(Start, departure.At).TotalMilliseconds;

        public DepartureWindow.Departure Leave(int cap) => DepartureWindowTests.Leave(Time, Window, cap);
    }

    /// <summary>A fake clock that knows how many of its timers are waiting to fire.</summary>
    private sealed class TimerCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Counted once it is set: counted before, the test could move the clock while the timer was being set, and
            // the timer would start from the later instant (a departure a millisecond late, now and then).
            var timer = base.CreateTimer(
                s =>
                {
                    Interlocked.Decrement(ref _waiting);
                    callback(s);
                },
                state,
                dueTime,
                period);
            Interlocked.Increment(ref _waiting);
            return timer;
        }
    }

    private sealed class NanosecondClock : TimeProvider
    {
        public long Now { get; set; } = 1_000_000_000;

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => Now;
    }
}
