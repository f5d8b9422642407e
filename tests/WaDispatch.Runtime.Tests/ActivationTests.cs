using WaDispatch.Runtime.Persistence;
using WaDispatch.Runtime.Tests.Grains;
using Xunit;

namespace WaDispatch.Runtime.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task GetGrain_DoesNoWork_AndTheFirstCallActivates()
    {
        await using var harness = await RuntimeHarness.StartAsync();

        var counter = harness.Counter("a");
        var again = harness.Counter("a");

        Assert.Equal(0, harness.Probe.Created);
        Assert.Equal(0, harness.Runtime.ActivationCount);
        Assert.Equal(counter, again);
        Assert.Equal(1, await counter.AddAsync(1).Within());
        Assert.Equal(1, harness.Probe.Created);
        Assert.Equal(1, harness.Runtime.ActivationCount);
    }

    [Fact]
    public async Task ConcurrentFirstCalls_ToOneIdentity_CreateExactlyOneActivation()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        using var start = new ManualResetEventSlim();

        var calls = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await harness.Counter("hot").AddAsync(1);
            }))
            .ToList();
        start.Set();
        var results = await Task.WhenAll(calls).Within();

        Assert.Equal(1, harness.Probe.Created);
        Assert.Equal(Enumerable.Range(1, 200), results.Order());
        Assert.Equal(200, await harness.Counter("hot").GetAsync().Within());
    }

    [Fact]
    public async Task SameKey_OfDifferentGrainTypes_AreDifferentActivations()
    {
        await using var harness = await RuntimeHarness.StartAsync();

        await harness.Counter("k").AddAsync(5).Within();
        await harness.Grains.GetGrain<IShortLivedCounterGrain>("k").AddAsync(7).Within();

        Assert.Equal(5, await harness.Counter("k").GetAsync().Within());
        Assert.Equal(7, await harness.Grains.GetGrain<IShortLivedCounterGrain>("k").GetAsync().Within());
        Assert.Equal(2, harness.Probe.Created);
    }

    [Fact]
    public async Task Activation_ReadsPersistedState_BeforeOnActivateAsync()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        await harness.Storage.WriteAsync(new GrainStateId("counter", "a", "state"), """{"Count":41}""", null, CancellationToken.None);

        Assert.Equal(42, await harness.Counter("a").AddAsync(1).Within());
        Assert.Contains("activate a count=41", harness.Probe.Log);
    }

    [Fact]
    public async Task FailedOnActivateAsync_FailsTheCaller_RejectsQueuedCalls_AndTheNextCallTriesAgain()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var gate = GrainProbe.NewSignal();
        harness.Probe.ActivationGate = gate.Task;
        harness.Probe.ActivationFailure = new InvalidOperationException("activation broke");
        var counter = harness.Counter("a");

        var first = counter.AddAsync(1).AsTask();
        var queued = new[] { counter.AddAsync(2).AsTask(), counter.GetAsync().AsTask() };
        gate.SetResult();

        foreach (var call in queued.Prepend(first))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call.Within());
            Assert.Equal("activation broke", error.Message);
        }

        harness.Probe.ActivationFailure = null;
        Assert.Equal(3, await counter.AddAsync(3).Within());
        Assert.Equal(2, harness.Probe.Created);
    }

    [Fact]
    public async Task FailedStateRead_FailsTheCaller_WithoutRunningOnActivateAsync()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        await harness.Storage.WriteAsync(new GrainStateId("counter", "a", "state"), """{"Count":"not a number"}""", null, CancellationToken.None);

        await Assert.ThrowsAsync<System.Text.Json.JsonException>(() => harness.Counter("a").GetAsync().Within());

        Assert.DoesNotContain(harness.Probe.Log, line => line.StartsWith("activate", StringComparison.Ordinal));
        Assert.Equal(0, harness.Runtime.ActivationCount);
    }

    [Fact]
    public async Task GetGrain_ForAnUnregisteredInterface_SaysWhichOne()
    {
        await using var harness = await RuntimeHarness.StartAsync();

        var error = Assert.Throws<InvalidOperationException>(() => harness.Grains.GetGrain<IDisposable>("x"));

        Assert.Contains("IDisposable", error.Message, StringComparison.Ordinal);
    }
}
