using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Lanes;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>The lane grain on an Orleans silo: its pump sends over HTTP to the simulator, outside the grain's turns.</summary>
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
    public async Task SendsGivenToTheGrain_GoUpstream_AndTheirOutcomesComeBack()
    {
        var sends = Enumerable.Range(0, 40).Select(_ => TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))).ToList();

        var outcomes = await Task.WhenAll(sends.Select(s => _host.Lane(Number).SendAsync(s).AsTask())).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.All(outcomes, o => Assert.Equal(SendStatus.Sent, o.Status));
        Assert.Equal(
            Referee.Ledger(Number).Select(e => e.Id).Order(StringComparer.Ordinal),
            outcomes.Select(o => o.Response!.Messages![0].Id).Order(StringComparer.Ordinal));
        var snapshot = await _host.Lane(Number).GetSnapshotAsync();
        Assert.Equal((40, 0, 0), (snapshot.Counters.Sent, snapshot.InFlight, snapshot.Queued.Bulk));
    }

    [Fact]
    public async Task AStoppedLane_HoldsItsSends_ShowsItsReason_AndSendsThemWhenResumed()
    {
        Referee.ScriptFailure(Number, new ScriptedFailure(ErrorCodes.BusinessPaymentIssue, 400, null), 1);
        var first = _host.Lane(Number).SendAsync(TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))).AsTask();
        await Eventually.UntilAsync(async () => (await _host.Lane(Number).GetSnapshotAsync()).Status == LaneStatus.Stopped);
        await _host.Lane(Number).EnqueueAsync([TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))]);
        var second = _host.Lane(Number).SendAsync(TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))).AsTask();

        // Orleans does not promise that calls arrive in the order they were made: wait until the lane holds all three.
        await Eventually.UntilAsync(async () => (await _host.Lane(Number).GetSnapshotAsync()).Queued.Bulk == 3);
        var stopped = await _host.Lane(Number).GetSnapshotAsync();
        Assert.Equal(0, stopped.InFlight);
        Assert.False(second.IsCompleted);
        Assert.Empty(Referee.Ledger(Number));
        await _host.Lane(Number).ResumeAsync();
        var outcomes = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCodes.BusinessPaymentIssue, stopped.StopReason!.Code);
        Assert.Equal(3, stopped.Queued.Bulk);
        Assert.Equal([SendStatus.Sent, SendStatus.Sent], outcomes.Select(o => o.Status));
        await Eventually.UntilAsync(() => Referee.Ledger(Number).Count == 3);
    }

    [Fact]
    public async Task ShuttingDown_AbandonsSendsThatNeverWentOut_SoTheyCanBeSentAgain()
    {
        Referee.ScriptFailure(Number, new ScriptedFailure(ErrorCodes.SpamRateLimitHit, 400, null), 1);
        var first = _host.Lane(Number).SendAsync(TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))).AsTask();
        await Eventually.UntilAsync(async () => (await _host.Lane(Number).GetSnapshotAsync()).Status == LaneStatus.Stopped);
        var waiting = _host.Lane(Number).SendAsync(TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))).AsTask();
        await Eventually.UntilAsync(async () => (await _host.Lane(Number).GetSnapshotAsync()).Queued.Bulk == 2);

        await _host.StopAsync();

        Assert.Equal(SendStatus.Abandoned, (await waiting).Status);
        Assert.Equal((SendStatus.Abandoned, ErrorCodes.SpamRateLimitHit), ((await first).Status, (await first).Error!.Code));
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
