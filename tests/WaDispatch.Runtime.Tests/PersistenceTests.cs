using WaDispatch.Runtime.Persistence;
using WaDispatch.Runtime.Tests.Grains;
using Xunit;

namespace WaDispatch.Runtime.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task AStaleWrite_ReachesTheCaller_DropsTheActivation_AndTheNextCallReloads()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        Assert.Equal(1, await counter.AddAndSaveAsync(1).Within());
        await harness.Storage.WriteAsync(new GrainStateId("counter", "a", "state"), """{"Count":100}""", expectedVersion: 1, CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => counter.AddAndSaveAsync(1).Within());

        Assert.Equal(("counter", "a", "1", "2"), (conflict.GrainType, conflict.GrainKey, conflict.ExpectedEtag, conflict.StoredEtag));
        Assert.Equal(101, await counter.AddAndSaveAsync(1).Within());
        Assert.Equal(2, harness.Probe.Created);
        Assert.Empty(harness.Probe.Deactivations);
    }

    [Fact]
    public async Task AStaleWrite_InAQueuedTurn_DropsTheActivation_AndQueuedCallsMoveToTheNextOne()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var counter = harness.Counter("a");
        await counter.AddAndSaveAsync(1).Within();
        await harness.Storage.WriteAsync(new GrainStateId("counter", "a", "state"), """{"Count":50}""", expectedVersion: 1, CancellationToken.None);
        var gate = GrainProbe.NewSignal();
        var running = counter.EnterAsync("running", gate.Task);
        var stale = counter.AddAndSaveAsync(1);
        var after = counter.GetAsync();

        gate.SetResult();
        await running.Within();

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.Within());
        Assert.Equal(50, await after.Within());
        Assert.Equal(2, harness.Probe.Created);
    }

    [Fact]
    public async Task ClearState_ResetsTheState_AndKeepsTheVersionGrowing()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var storage = harness.Storage;
        var id = new GrainStateId("counter", "direct", "state");
        var state = new PersistentStateProbe(storage, id);

        await state.Inner.ReadStateAsync();
        state.Inner.State.Count = 9;
        await state.Inner.WriteStateAsync();
        Assert.Equal(("1", true), (state.Inner.Etag, state.Inner.RecordExists));

        await state.Inner.ClearStateAsync();

        Assert.Equal((0, "2", false), (state.Inner.State.Count, state.Inner.Etag, state.Inner.RecordExists));
        Assert.Equal(new StoredGrainState(null, 2), await storage.ReadAsync(id, CancellationToken.None));
    }

    /// <summary>Builds the runtime's persistent state the way an activation context does.</summary>
    private sealed class PersistentStateProbe(IGrainStorage storage, GrainStateId id)
    {
        public PersistentState<CounterState> Inner { get; } = new PersistentState<CounterState>(storage, id, TestJsonContext.Default.CounterState);
    }
}
