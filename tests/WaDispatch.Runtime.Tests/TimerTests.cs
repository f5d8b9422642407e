using WaDispatch.Testing;
using WaDispatch.Runtime.Tests.Grains;
using Xunit;

namespace WaDispatch.Runtime.Tests;

public sealed class TimerTests
{
    [Fact]
    public async Task TimerTicks_RunAsTurnsOfTheActivation()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        await counter.StartTimerAsync(TimeSpan.FromSeconds(1)).Within();

        for (var expected = 1; expected <= 3; expected++)
        {
            harness.Time.Advance(TimeSpan.FromSeconds(1));
            // The tick was queued before this call, and turns do not overlap: the call sees it done.
            Assert.Equal(expected, await counter.TimerTicksAsync().Within());
        }

        var gate = GrainProbe.NewSignal();
        var blocked = counter.EnterAsync("blocked", gate.Task);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, await counter.TimerTicksInterleavedAsync().Within());
        gate.SetResult();
        await blocked.Within();
        Assert.Equal(4, await counter.TimerTicksAsync().Within());
        Assert.Equal(1, harness.Probe.MaxInside);
    }

    [Fact]
    public async Task ATickDueWhileThePreviousOneRuns_IsSkipped()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        var gate = GrainProbe.NewSignal();
        await counter.StartTimerAsync(TimeSpan.FromSeconds(1), gate.Task).Within();

        harness.Time.Advance(TimeSpan.FromSeconds(5));
        gate.SetResult();

        Assert.Equal(1, await counter.TimerTicksAsync().Within());
    }

    [Fact]
    public async Task Timers_StopWithTheActivation_AndDoNotKeepItAlive()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        // Ticks at half minutes, sweeps at whole minutes, so each sweep finds the last tick finished.
        await harness.Counter("a").StartTimerAsync(TimeSpan.FromMinutes(1), dueTime: TimeSpan.FromSeconds(30)).Within();
        var runtimeTimers = harness.Time.ActiveTimers - 1;

        for (var minute = 1; minute <= 16; minute++)
        {
            harness.Time.Advance(TimeSpan.FromSeconds(30));
            await Eventually.UntilAsync(() => harness.Probe.TimerTicks == minute);
            harness.Time.Advance(TimeSpan.FromSeconds(30));
        }

        await harness.Probe.DeactivationFinished.Task.Within();
        harness.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal([("a", DeactivationReason.IdleCollection)], harness.Probe.Deactivations);
        Assert.Equal(16, harness.Probe.TimerTicks);
        Assert.Equal(runtimeTimers, harness.Time.ActiveTimers);
        Assert.Equal(1, harness.Probe.Created);
    }

    [Fact]
    public async Task ABusyTimer_DoesNotKeepTheActivationAlive()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var gate = GrainProbe.NewSignal();
        await harness.Counter("a").StartTimerAsync(TimeSpan.FromMinutes(1), gate.Task, dueTime: TimeSpan.FromSeconds(30)).Within();
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => harness.Probe.MaxInside == 1); // the tick runs, held at its gate

        harness.Time.Advance(TimeSpan.FromSeconds(16 * 60 - 30));
        Assert.Empty(harness.Probe.Deactivations);
        gate.SetResult();

        await harness.Probe.DeactivationFinished.Task.Within();
        Assert.Equal([("a", DeactivationReason.IdleCollection)], harness.Probe.Deactivations);
        Assert.Equal(1, harness.Probe.TimerTicks);
    }

    [Fact]
    public async Task QueuedTimerTicks_DoNotHoldOffShutdown()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        var gate = GrainProbe.NewSignal();
        await counter.StartTimerAsync(TimeSpan.FromMinutes(1), gate.Task, dueTime: TimeSpan.FromSeconds(30)).Within();
        await counter.StartTimerAsync(TimeSpan.FromMinutes(1), dueTime: TimeSpan.FromSeconds(40)).Within();
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => harness.Probe.MaxInside == 1); // the first timer's tick runs, held at its gate
        harness.Time.Advance(TimeSpan.FromSeconds(10)); // the second timer's tick queues behind it

        var stopping = harness.StopAsync();
        gate.SetResult();
        await stopping.Within();

        Assert.Equal([("a", DeactivationReason.ShuttingDown)], harness.Probe.Deactivations);
        Assert.Equal(1, harness.Probe.TimerTicks);
    }
}
