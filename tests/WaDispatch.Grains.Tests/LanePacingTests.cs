using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Lanes;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>The lane's pacing, refereed by the simulator's strict sliding second on the same manual clock.</summary>
public sealed class LanePacingTests
{
    private const string Number = "106540352242922";

    public static TheoryData<int> Tiers => [20, 80, 250, 350, 500, 1000];

    [Theory]
    [MemberData(nameof(Tiers))]
    public async Task WithABacklog_EveryTierGetsAtLeast97Percent_NeverMoreThanTheTierInASlidingSecond_AndNo130429(int tier)
    {
        await using var rig = await LaneRig.StartAsync();
        var lane = rig.Lane(Number, tier);
        for (var i = 0; i < tier * 12; i++)
        {
            lane.Enqueue(rig.Send());
        }

        // The first second ramps up from half the rate; steady state follows.
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(1), maxLateness: TimeSpan.FromMilliseconds(5), seed: tier);
        var rampedUp = rig.Referee.Stats(Number).AcceptedTotal;
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(10), maxLateness: TimeSpan.FromMilliseconds(5), seed: tier);

        var stats = rig.Referee.Stats(Number);
        Assert.InRange(rampedUp, 0.6 * tier, 0.8 * tier);
        Assert.True(stats.AcceptedTotal - rampedUp >= 0.97 * tier * 10, $"{stats.AcceptedTotal - rampedUp} accepted in 10 s of steady state at tier {tier}");
        Assert.True(stats.MaxInSlidingSecond <= tier, $"{stats.MaxInSlidingSecond} in one sliding second at tier {tier}");
        Assert.Equal(0, stats.RejectedTotal);
    }

    [Fact]
    public async Task ALiveTierChange_TakesEffectWithinOneSecond_AndKeepsTheQueue()
    {
        await using var rig = await LaneRig.StartAsync();
        var lane = rig.Lane(Number, 80);
        for (var i = 0; i < 3000; i++)
        {
            lane.Enqueue(rig.Send());
        }

        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(1));
        var rampedUp = rig.Sent.Count;
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(5));
        var sentAt80 = rig.Sent.Count - rampedUp;
        rig.Referee.SetMessagesPerSecond(Number, 500);
        lane.SetThroughput(500);
        var changedAt = rig.Time.GetUtcNow();
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(2));

        Assert.InRange(sentAt80, 0.97 * 80 * 5, 80 * 5);
        var firstSecond = rig.Sent.Count(s => s.At >= changedAt && s.At < changedAt + TimeSpan.FromSeconds(1));
        Assert.InRange(firstSecond, 0.97 * 500, 500);
        Assert.Equal(3000, rig.Sent.Count + lane.Backlog);
        Assert.Equal(0, rig.Referee.Stats(Number).RejectedTotal);
    }

    [Fact]
    public async Task InboundTraffic_LowersTheOutboundRate_SoTheSumStaysWithinTheTier()
    {
        await using var rig = await LaneRig.StartAsync();
        var lane = rig.Lane(Number, 100);
        for (var i = 0; i < 2000; i++)
        {
            lane.Enqueue(rig.Send());
        }

        // 30 inbound messages a second reach Meta and are reported to the lane by the webhook path.
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(1));
        var rampedUp = rig.Referee.Stats(Number).AcceptedTotal;
        var nextInbound = rig.Time.GetUtcNow();
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(10), everyStep: () =>
        {
            while (rig.Time.GetUtcNow() >= nextInbound)
            {
                rig.Referee.Inbound(Number, $"1555{(int)(nextInbound - DateTimeOffset.UnixEpoch).TotalMilliseconds % 10_000_000:D7}", "hi", null);
                lane.RecordInbound(1);
                nextInbound += TimeSpan.FromSeconds(1.0 / 30);
            }
        });

        var stats = rig.Referee.Stats(Number);
        Assert.Equal(0, stats.RejectedTotal);
        Assert.True(stats.MaxInSlidingSecond <= 100, $"{stats.MaxInSlidingSecond} outbound plus inbound in one sliding second");
        Assert.InRange(stats.AcceptedTotal - rampedUp, 0.95 * 70 * 10, 70 * 10);
    }

    [Fact]
    public async Task A130429_SlowsTheLaneByTheShareRefused_RetriesTheSend_AndTheRateRecovers()
    {
        await using var rig = await LaneRig.StartAsync();
        var lane = rig.Lane(Number, 100);
        for (var i = 0; i < 3000; i++)
        {
            lane.Enqueue(rig.Send());
        }

        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(2));
        rig.Referee.ScriptFailure(Number, new(ErrorCodes.RateLimitHit, 429, null), 1);
        var throttledAt = rig.Time.GetUtcNow();
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(1));
        var slowed = rig.Sent.Count(s => s.At >= throttledAt);
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(10));
        var recovered = rig.Sent.Count(s => s.At >= throttledAt + TimeSpan.FromSeconds(9) && s.At < throttledAt + TimeSpan.FromSeconds(10));

        var snapshot = lane.Snapshot(Number, new LaneSettings());
        Assert.Equal(1, snapshot.Counters.RateLimited);
        Assert.Equal(0, snapshot.Counters.Failed);
        // One answer in about a hundred was refused: the pace drops by the minimum cut (5 %), not by a third.
        Assert.InRange(slowed, 88, 95);
        Assert.InRange(recovered, 97, 100);
        Assert.Equal(97.5, snapshot.PacedMps);
        Assert.All(rig.Sent, s => Assert.Equal(SendStatus.Sent, s.Send.Completion.Result.Status));
        Assert.Equal(rig.Sent.Count - 1, rig.Referee.Stats(Number).AcceptedTotal);
    }

    [Fact]
    public async Task ATierSetFarAboveMetas_ConvergesToMetasWithinSeconds()
    {
        await using var rig = await LaneRig.StartAsync();
        var lane = rig.Lane(Number, 200);
        rig.Referee.SetMessagesPerSecond(Number, 100);
        for (var i = 0; i < 3000; i++)
        {
            lane.Enqueue(rig.Send());
        }

        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(5));
        var (accepted, refused) = (rig.Referee.Stats(Number).AcceptedTotal, rig.Referee.Stats(Number).RejectedTotal);
        await rig.DriveAsync(lane, Number, TimeSpan.FromSeconds(10));
        var stats = rig.Referee.Stats(Number);

        // Half the answers are refused at first, so the pace halves at once; then it hovers just under Meta's tier.
        Assert.True(stats.AcceptedTotal - accepted >= 0.85 * 100 * 10, $"{stats.AcceptedTotal - accepted} accepted in the 10 s after convergence");
        Assert.True(stats.RejectedTotal - refused <= 0.1 * (stats.AcceptedTotal - accepted), $"{stats.RejectedTotal - refused} refused in those 10 s (first 5 s: {refused})");
        Assert.Equal(0, lane.Snapshot(Number, new LaneSettings()).Counters.Failed);
    }
}
