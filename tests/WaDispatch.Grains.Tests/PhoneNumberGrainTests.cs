using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Lanes;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>The lane grain on a real runtime: its pump sends over HTTP to the simulator, outside the grain's turns.</summary>
public sealed class PhoneNumberGrainTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private GrainHost _host = null!;

    private CloudApiSimulator Referee => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync();
        _host = await GrainHost.StartAsync(o => o.UseSqlite(_file.ConnectionString), TimeProvider.System, _simulator.Address);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task ANumberSeenForTheFirstTime_GetsALaneAtTheDefaultTier()
    {
        var snapshot = await _host.Lane(Number).GetSnapshotAsync();

        Assert.Equal((80, true, LaneStatus.Running, 0), (snapshot.ThroughputMps, snapshot.ThroughputIsDefault, snapshot.Status, snapshot.InFlight));
        Assert.Equal(78, snapshot.PacedMps);
    }

    [Fact]
    public async Task SendsEnqueuedOnTheGrain_GoUpstream_AndTheirOutcomesComeBack()
    {
        var sends = Enumerable.Range(0, 40).Select(_ => TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))).ToList();
        foreach (var send in sends)
        {
            await _host.Lane(Number).EnqueueAsync(send);
        }

        var outcomes = await Task.WhenAll(sends.Select(s => s.Completion)).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.All(outcomes, o => Assert.Equal(SendStatus.Sent, o.Status));
        Assert.Equal(
            Referee.Ledger(Number).Select(e => e.Id).Order(StringComparer.Ordinal),
            outcomes.Select(o => o.MessageId!).Order(StringComparer.Ordinal));
        var snapshot = await _host.Lane(Number).GetSnapshotAsync();
        Assert.Equal((40, 0, 0), (snapshot.Counters.Sent, snapshot.InFlight, snapshot.Queued.Bulk));
    }

    [Fact]
    public async Task AStoppedLane_HoldsItsSends_ShowsItsReason_AndSendsThemWhenResumed()
    {
        Referee.ScriptFailure(Number, new ScriptedFailure(ErrorCodes.BusinessPaymentIssue, 400, null), 1);
        var first = TestSends.Template(DateTimeOffset.UtcNow.AddHours(1));
        var second = TestSends.Template(DateTimeOffset.UtcNow.AddHours(1));
        await _host.Lane(Number).EnqueueAsync(first);
        await Eventually.UntilAsync(() => _host.Lane(Number).GetSnapshotAsync().AsTask().Result.Status == LaneStatus.Stopped);
        await _host.Lane(Number).EnqueueAsync(second);

        // The snapshot is a turn after the enqueue: a stopped lane has handed nothing out by then, and
        // takes nothing while it stays stopped.
        var stopped = await _host.Lane(Number).GetSnapshotAsync();
        Assert.Equal(0, stopped.InFlight);
        Assert.False(second.Completion.IsCompleted);
        Assert.Empty(Referee.Ledger(Number));
        await _host.Lane(Number).ResumeAsync();
        await Task.WhenAll(first.Completion, second.Completion).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCodes.BusinessPaymentIssue, stopped.StopReason!.Code);
        Assert.Equal(2, stopped.Queued.Bulk);
        Assert.Equal((SendStatus.Sent, SendStatus.Sent), ((await first.Completion).Status, (await second.Completion).Status));
    }

    [Fact]
    public async Task ShuttingDown_AbandonsSendsThatNeverWentOut_SoTheyCanBeSentAgain()
    {
        Referee.ScriptFailure(Number, new ScriptedFailure(ErrorCodes.SpamRateLimitHit, 400, null), 1);
        var first = TestSends.Template(DateTimeOffset.UtcNow.AddHours(1));
        var waiting = TestSends.Template(DateTimeOffset.UtcNow.AddHours(1));
        await _host.Lane(Number).EnqueueAsync(first);
        await Eventually.UntilAsync(() => _host.Lane(Number).GetSnapshotAsync().AsTask().Result.Status == LaneStatus.Stopped);
        await _host.Lane(Number).EnqueueAsync(waiting);

        await _host.StopAsync();

        Assert.Equal(SendStatus.Abandoned, (await waiting.Completion).Status);
        Assert.Equal((SendStatus.Abandoned, ErrorCodes.SpamRateLimitHit), ((await first.Completion).Status, (await first.Completion).Error!.Code));
        Assert.Empty(Referee.Ledger(Number));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public async Task AnOutOfRangeTier_IsRefused_NamingTheFieldAndTheLimit(int mps)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await _host.Lane(Number).ConfigureAsync(new LaneConfiguration(mps, null, null, null)));

        Assert.StartsWith("throughput_mps must be between 1 and 100000 messages per second.", error.Message, StringComparison.Ordinal);
        Assert.Equal(80, (await _host.Lane(Number).GetSnapshotAsync()).ThroughputMps);
    }
}
