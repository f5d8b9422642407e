using WaDispatch.Runtime.Tests.Grains;
using Xunit;

namespace WaDispatch.Runtime.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task ACall_WaitsForTheTurnBeforeIt_EvenWhileThatTurnIsSuspendedAtAnAwait()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        await counter.AddAsync(0).Within();
        var gate = GrainProbe.NewSignal();

        var first = counter.EnterAsync("first", gate.Task);
        var second = counter.EnterAsync("second", Task.CompletedTask);
        for (var i = 0; i < 20; i++)
        {
            await Task.Run(() => { });
        }

        Assert.Equal(["enter first"], harness.Probe.Log.Where(l => l.StartsWith("enter", StringComparison.Ordinal)));
        Assert.False(second.IsCompleted);
        gate.SetResult();
        await first.Within();
        await second.Within();
        Assert.Equal(["enter first", "exit first", "enter second", "exit second"], harness.Probe.Log.Skip(1));
    }

    [Fact]
    public async Task ManyConcurrentCallers_NeverOverlapInsideOneActivation()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");

        var callers = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await counter.EnterAsync($"{c}.{i}", Task.CompletedTask);
            }
        }));
        await Task.WhenAll(callers).Within();

        Assert.Equal(1, harness.Probe.MaxInside);
        Assert.Equal(16 * 25 * 2, harness.Probe.Log.Count(l => l.StartsWith("enter", StringComparison.Ordinal) || l.StartsWith("exit", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnInterleavedCall_RunsWhileATurnIsSuspended_AndAnOrdinaryOneWaits()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        await counter.AddAsync(0).Within();
        var gate = GrainProbe.NewSignal();
        var blocked = counter.EnterAsync("blocked", gate.Task);

        var ordinary = counter.InsideAsync();
        var inside = await counter.InsideInterleavedAsync().Within();

        Assert.Equal(1, inside);
        Assert.False(blocked.IsCompleted);
        Assert.False(ordinary.IsCompleted);
        gate.SetResult();
        await blocked.Within();
        Assert.Equal(0, await ordinary.Within());
    }

    [Fact]
    public async Task AnExceptionFromAGrainMethod_ReachesTheCaller_AndTheActivationServesOn()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        await counter.AddAsync(2).Within();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => counter.FailAsync("bad input").Within());

        Assert.Equal("bad input", error.Message);
        Assert.Equal(2, await counter.GetAsync().Within());
        Assert.Equal(1, harness.Probe.Created);
    }

    [Fact]
    public async Task AFullQueue_AnswersOverloaded_InsteadOfGrowing()
    {
        await using var harness = await RuntimeHarness.StartAsync(o => o.MaxQueuedRequestsPerActivation = 2);
        var counter = harness.Counter("a");
        await counter.AddAsync(0).Within();
        var gate = GrainProbe.NewSignal();
        var running = counter.EnterAsync("running", gate.Task);
        var queued = new[] { counter.AddAsync(1).AsTask(), counter.AddAsync(1).AsTask() };

        var rejected = counter.AddAsync(1);

        var error = await Assert.ThrowsAsync<GrainOverloadedException>(() => rejected.Within());
        Assert.Equal(("counter", "a", 2), (error.GrainType, error.GrainKey, error.QueueLimit));
        Assert.Contains("MaxQueuedRequestsPerActivation", error.Message, StringComparison.Ordinal);
        gate.SetResult();
        await running.Within();
        Assert.Equal(new[] { 1, 2 }, await Task.WhenAll(queued).Within());
        Assert.Equal(3, await counter.AddAsync(1).Within());
    }

    [Fact]
    public async Task MethodsWithoutAResult_RunInlineAndQueued()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        await counter.AddAsync(4).Within();
        await counter.SaveAsync().Within();
        Assert.Equal(4, await harness.StoredCountAsync("a"));

        var gate = GrainProbe.NewSignal();
        var running = counter.EnterAsync("running", gate.Task);
        var add = counter.AddAsync(1);
        var save = counter.SaveAsync();
        Assert.False(save.IsCompleted);
        gate.SetResult();
        await running.Within();
        await add.Within();
        await save.Within();

        Assert.Equal(5, await harness.StoredCountAsync("a"));
    }
}
