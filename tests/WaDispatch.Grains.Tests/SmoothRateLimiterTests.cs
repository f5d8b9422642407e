using Microsoft.Extensions.Time.Testing;
using System.Threading.RateLimiting;
using WaDispatch.Grains.Pacing;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

public sealed class SmoothRateLimiterTests
{
    public static TheoryData<int> Tiers => [20, 80, 250, 350, 500, 1000];

    [Theory]
    [MemberData(nameof(Tiers))]
    public void WithABacklog_EveryTierGetsAtLeast97Percent_AndNoSlidingSecondExceedsIt(int tier)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = tier, TimeProvider = time });

        // A caller with a backlog, woken by timers that fire up to 5 ms late.
        var grants = RunBacklog(limiter, time, TimeSpan.FromSeconds(10), maxLateness: TimeSpan.FromMilliseconds(5), seed: tier);

        Assert.True(grants.Count >= 0.97 * tier * 10, $"{grants.Count} grants in 10 s at tier {tier}");
        Assert.True(MaxInSlidingSecond(grants) <= tier, $"{MaxInSlidingSecond(grants)} in one sliding second at tier {tier}");
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void EvenWithVeryLateTimers_NoSlidingSecondExceedsTheTier(int tier)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = tier, TimeProvider = time });

        var grants = RunBacklog(limiter, time, TimeSpan.FromSeconds(10), maxLateness: TimeSpan.FromMilliseconds(200), seed: tier);

        Assert.True(MaxInSlidingSecond(grants) <= tier, $"{MaxInSlidingSecond(grants)} in one sliding second at tier {tier}");
    }

    [Theory]
    [MemberData(nameof(Tiers))]
    public void PausesOfUpTo50Milliseconds_AreMadeUpByCatchingUp_YetNoSlidingSecondGoesPastTheTier(int tier)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = tier, MaxCatchUp = TimeSpan.FromMilliseconds(50), TimeProvider = time });

        // A process that stalls now and then (a GC pause, a busy machine): one wake-up in a hundred is up
        // to 50 ms late, the others up to 2 ms.
        var grants = RunBacklog(limiter, time, TimeSpan.FromSeconds(10), seed: tier, lateness: random =>
            TimeSpan.FromMilliseconds(random.NextDouble() * (random.Next(100) == 0 ? 50 : 2)));

        Assert.True(MaxInSlidingSecond(grants) <= tier, $"{MaxInSlidingSecond(grants)} in one sliding second at tier {tier}");
        Assert.True(grants.Count >= 0.97 * tier * 10, $"{grants.Count} grants in 10 s at tier {tier}");
    }

    [Theory]
    [InlineData(20, 10)]
    [InlineData(47, 10)]
    [InlineData(80, 10)]
    [InlineData(250, 5)]
    [InlineData(1000, 5)]
    public void WakeUpsALittleLate_AreMadeUp_SoTheLaneKeepsItsPace_AtEveryTier(int tier, int maxLatenessMs)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = tier, MaxCatchUp = TimeSpan.FromMilliseconds(250), CatchUpSpeed = 2, TimeProvider = time });

        // Every wake-up late by up to a few milliseconds (the lanes' catch-up settings). A second's worth of grants at
        // the pace spans the second and the headroom's 25 ms, the time there is to make lateness up in; with the cap
        // at the pace rounded up (as it was) that time was 0 ms at 80 and 1,000 mps, 1 ms at 250 and 3.8 ms at 47, and
        // the lateness was lost for good: 96.9 %, 97.2 %, 97.3 % and 97.3 % of these tiers.
        var grants = RunBacklog(limiter, time, TimeSpan.FromSeconds(30), maxLateness: TimeSpan.FromMilliseconds(maxLatenessMs), seed: tier);

        // The pace is 97.5 % of the tier: kept to within 0.1 %.
        Assert.True(grants.Count >= 0.974 * tier * 30, $"{grants.Count} grants in 30 s at tier {tier} ({grants.Count / (0.3 * tier):F1} %)");
        Assert.True(MaxInSlidingSecond(grants) <= tier, $"{MaxInSlidingSecond(grants)} in one sliding second at tier {tier}");
    }

    [Fact]
    public void AfterAPause_OverdueSlotsGoAtTheCatchUpSpeed_NotAsOneBurst()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 1000, Headroom = 0, MaxCatchUp = TimeSpan.FromMilliseconds(100), CatchUpSpeed = 2, TimeProvider = time });
        RunBacklog(limiter, time, TimeSpan.FromSeconds(1), TimeSpan.Zero, seed: 1);

        time.Advance(TimeSpan.FromMilliseconds(50));
        var atOnce = 0;
        while (limiter.AttemptAcquire().IsAcquired)
        {
            atOnce++;
        }

        var afterPause = RunBacklog(limiter, time, TimeSpan.FromMilliseconds(100), TimeSpan.Zero, seed: 2);

        // Two milliseconds of slack go at once; the other 48 overdue slots at twice the rate, made up within 50 ms more.
        Assert.InRange(atOnce, 4, 6);
        Assert.InRange(afterPause.Count(t => t < afterPause[0] + TimeSpan.FromMilliseconds(50)), 95, 101);
        Assert.InRange(afterPause.Count, 145, 151);
    }

    [Fact]
    public void APaceFactor_SlowsThePace_WithoutChangingTheTier()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 100, Headroom = 0, TimeProvider = time });

        limiter.SetPaceFactor(0.5);
        var grants = RunBacklog(limiter, time, TimeSpan.FromSeconds(2), TimeSpan.Zero, seed: 1);

        Assert.InRange(grants.Count, 99, 101);
        Assert.Equal((100, 50), (limiter.PermitsPerSecond, limiter.PacedPerSecond));
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.SetPaceFactor(0));
    }

    [Fact]
    public void ATierChange_TakesEffectWithinASecond_WithoutLosingTheSchedule()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 80, TimeProvider = time });
        var before = RunBacklog(limiter, time, TimeSpan.FromSeconds(5), TimeSpan.Zero, seed: 1);

        limiter.SetRate(1000);
        var start = time.GetUtcNow();
        var after = RunBacklog(limiter, time, TimeSpan.FromSeconds(5), TimeSpan.Zero, seed: 2);

        Assert.InRange(before.Count, 0.97 * 80 * 5, 80 * 5);
        var secondAfterChange = after.Count(t => t <= start + TimeSpan.FromSeconds(1));
        Assert.InRange(secondAfterChange, 970, 1000);
        Assert.Equal(1000, limiter.PermitsPerSecond);
        Assert.Equal(975, limiter.PacedPerSecond, precision: 6);
    }

    [Fact]
    public void InboundTraffic_TakesItsShareOfTheTier()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 100, TimeProvider = time, Headroom = 0 });
        var outbound = 0;

        for (var step = 0; step < 10_000; step++)
        {
            if (step % 20 == 0)
            {
                limiter.Consume(1); // 50 inbound messages a second
            }

            using var lease = limiter.AttemptAcquire();
            if (lease.IsAcquired)
            {
                outbound++;
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.InRange(outbound, 480, 510); // 10 s × (100 − 50)
    }

    [Fact]
    public void ARefusal_SaysExactlyWhenTheNextSlotComes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 10, Headroom = 0, MaxCatchUp = TimeSpan.Zero, TimeProvider = time });

        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();
        time.Advance(TimeSpan.FromMilliseconds(30));
        using var third = limiter.AttemptAcquire();

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.True(second.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
        Assert.True(third.TryGetMetadata(MetadataName.RetryAfter, out var rest));
        Assert.Equal(TimeSpan.FromMilliseconds(70), rest);
        time.Advance(TimeSpan.FromMilliseconds(70));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public void SeveralPermitsAtOnce_AreGrantedOnlyWhenAllTheirSlotsHaveCome()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 10, Headroom = 0, MaxCatchUp = TimeSpan.FromSeconds(1), TimeProvider = time });
        time.Advance(TimeSpan.FromSeconds(5));

        // A full second of catch-up plus the current slot would be 11; the sliding second holds 10.
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(11));
        Assert.True(limiter.AttemptAcquire(10).IsAcquired);
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);
        Assert.Equal(new RateLimiterStatistics { CurrentAvailablePermits = 0, TotalSuccessfulLeases = 1, TotalFailedLeases = 1 }.TotalSuccessfulLeases, limiter.GetStatistics()!.TotalSuccessfulLeases);
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);
    }

    [Fact]
    public async Task AcquireAsync_WaitsForTheSlot_OnTheInjectedClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 10, Headroom = 0, MaxCatchUp = TimeSpan.Zero, TimeProvider = time });
        using var first = await limiter.AcquireAsync(1, TestContext.Current.CancellationToken);

        var waiting = limiter.AcquireAsync(1, TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));

        using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(second.IsAcquired);
    }

    [Fact]
    public void BadSettings_AreRejected_NamingTheSetting()
    {
        Assert.Contains("Headroom", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothRateLimiter(new SmoothRateLimiterOptions { Headroom = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("MaxCatchUp", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothRateLimiter(new SmoothRateLimiterOptions { MaxCatchUp = TimeSpan.FromSeconds(-1) })).Message, StringComparison.Ordinal);
        Assert.Contains("rate must be a positive", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothRateLimiter(new SmoothRateLimiterOptions { PermitsPerSecond = 0 })).Message, StringComparison.Ordinal);
    }

    /// <summary>Takes permits as fast as allowed, sleeping (on the manual clock) until each next slot plus some lateness.</summary>
    private static List<DateTimeOffset> RunBacklog(SmoothRateLimiter limiter, FakeTimeProvider time, TimeSpan duration, TimeSpan maxLateness, int seed) =>
        RunBacklog(limiter, time, duration, seed, random => TimeSpan.FromTicks((long)(random.NextDouble() * maxLateness.Ticks)));

    private static List<DateTimeOffset> RunBacklog(SmoothRateLimiter limiter, FakeTimeProvider time, TimeSpan duration, int seed, Func<Random, TimeSpan> lateness)
    {
        var random = new Random(seed);
        var end = time.GetUtcNow() + duration;
        var grants = new List<DateTimeOffset>();
        while (time.GetUtcNow() < end)
        {
            using var lease = limiter.AttemptAcquire();
            if (lease.IsAcquired)
            {
                grants.Add(time.GetUtcNow());
                continue;
            }

            lease.TryGetMetadata(MetadataName.RetryAfter, out var wait);
            time.Advance(wait + lateness(random));
        }

        return grants;
    }

    private static int MaxInSlidingSecond(List<DateTimeOffset> grants)
    {
        var max = 0;
        var start = 0;
        for (var i = 0; i < grants.Count; i++)
        {
            while (grants[i] - grants[start] >= TimeSpan.FromSeconds(1))
            {
                start++;
            }

            max = Math.Max(max, i - start + 1);
        }

        return max;
    }
}
