using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Runtime.Hosting;
using WaDispatch.Runtime.Tests.Grains;
using Xunit;

namespace WaDispatch.Runtime.Tests;

public sealed class CollectionTests
{
    [Fact]
    public async Task AnIdleActivation_IsCollectedAfterTheDefault15Minutes_NotBefore()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        await harness.Counter("a").AddAsync(1).Within();

        harness.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Empty(harness.Probe.Deactivations);

        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Probe.DeactivationFinished.Task.Within();
        Assert.Equal([("a", DeactivationReason.IdleCollection)], harness.Probe.Deactivations);
        Assert.Equal(0, harness.Runtime.ActivationCount);
    }

    [Fact]
    public async Task ACall_RestartsTheIdleAge()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        await harness.Counter("a").AddAsync(1).Within();

        harness.Time.Advance(TimeSpan.FromMinutes(10));
        await harness.Counter("a").AddAsync(1).Within();
        harness.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Empty(harness.Probe.Deactivations);

        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Probe.DeactivationFinished.Task.Within();
        Assert.Single(harness.Probe.Deactivations);
    }

    [Fact]
    public async Task APerTypeCollectionAge_OverridesTheDefault()
    {
        await using var harness = await RuntimeHarness.StartAsync(shortLivedAge: TimeSpan.FromMinutes(2));
        await harness.Counter("long").AddAsync(1).Within();
        await harness.Grains.GetGrain<IShortLivedCounterGrain>("short").AddAsync(1).Within();

        harness.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(harness.Probe.Deactivations);
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Probe.DeactivationFinished.Task.Within();

        Assert.Equal([("short", DeactivationReason.IdleCollection)], harness.Probe.Deactivations);
        Assert.Equal(1, harness.Runtime.ActivationCount);
    }

    [Fact]
    public void ACollectionAge_UnderOneMinute_IsRejected_NamingTheSetting()
    {
        var perType = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection()
            .AddGrainRuntime()
            .AddGrain<ICounterGrain, CounterGrain>(_ => throw new InvalidOperationException(), o => o.CollectionAge = TimeSpan.FromSeconds(30)));
        Assert.Contains("CollectionAge of grain type 'CounterGrain'", perType.Message, StringComparison.Ordinal);

        using var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddGrainRuntime(o => o.CollectionAge = TimeSpan.FromSeconds(30)).Services
            .BuildServiceProvider();
        var global = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<GrainRuntime>());
        Assert.Contains("GrainRuntime:CollectionAge", global.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deactivation_FlushesDirtyState_AndTheNextCallReloadsIt()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        await harness.Counter("a").AddAsync(5).Within();
        Assert.Null(await harness.StoredCountAsync("a"));

        harness.Time.Advance(TimeSpan.FromMinutes(16));
        await harness.Probe.DeactivationFinished.Task.Within();

        Assert.Equal(5, await harness.StoredCountAsync("a"));
        Assert.Equal(6, await harness.Counter("a").AddAsync(1).Within());
        Assert.Equal(2, harness.Probe.Created);
    }

    [Fact]
    public async Task ACallArrivingDuringDeactivation_WaitsAndThenReactivates()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        await harness.Counter("a").AddAsync(3).Within();
        var gate = GrainProbe.NewSignal();
        harness.Probe.DeactivationGate = gate.Task;
        harness.Time.Advance(TimeSpan.FromMinutes(16));
        await harness.Probe.DeactivationStarted.Task.Within();

        var call = harness.Counter("a").AddAsync(1);
        for (var i = 0; i < 20; i++)
        {
            await Task.Run(() => { });
        }

        Assert.False(call.IsCompleted);
        gate.SetResult();
        Assert.Equal(4, await call.Within());
        Assert.Equal(2, harness.Probe.Created);
        Assert.Equal(["activate a count=0", "activate a count=3"], harness.Probe.Log);
    }

    [Fact]
    public async Task GracefulShutdown_DeactivatesEveryActivation_FlushesState_AndRefusesNewCalls()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        for (var i = 1; i <= 10; i++)
        {
            await harness.Counter($"g{i}").AddAsync(i).Within();
        }

        await harness.StopAsync().Within();

        Assert.Equal(10, harness.Probe.Deactivations.Count);
        Assert.All(harness.Probe.Deactivations, d => Assert.Equal(DeactivationReason.ShuttingDown, d.Reason));
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(i, await harness.StoredCountAsync($"g{i}"));
        }

        await Assert.ThrowsAsync<GrainRuntimeStoppedException>(() => harness.Counter("g1").GetAsync().Within());
        Assert.Equal(0, harness.Runtime.ActivationCount);
    }

    [Fact]
    public async Task GracefulShutdown_FinishesTheRunningAndQueuedCallsFirst()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        await counter.AddAsync(1).Within();
        var gate = GrainProbe.NewSignal();
        var running = counter.EnterAsync("running", gate.Task);
        var queued = counter.AddAsync(10);

        var stopping = harness.StopAsync();
        Assert.False(stopping.IsCompleted);
        gate.SetResult();
        await stopping.Within();

        await running.Within();
        Assert.Equal(11, await queued.Within());
        Assert.Equal(11, await harness.StoredCountAsync("a"));
    }

    [Fact]
    public async Task ACallQueuedOnADeactivatingActivation_IsServedEvenWhenShutdownStarts()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        await harness.Counter("a").AddAsync(3).Within();
        var gate = GrainProbe.NewSignal();
        harness.Probe.DeactivationGate = gate.Task;
        harness.Time.Advance(TimeSpan.FromMinutes(16));
        await harness.Probe.DeactivationStarted.Task.Within();
        var queued = harness.Counter("a").AddAsync(1);

        var stopping = harness.StopAsync();
        gate.SetResult();
        await stopping.Within();

        Assert.Equal(4, await queued.Within());
        Assert.Equal(4, await harness.StoredCountAsync("a"));
        Assert.Equal([DeactivationReason.IdleCollection, DeactivationReason.ShuttingDown], harness.Probe.Deactivations.Select(d => d.Reason));
    }
}
