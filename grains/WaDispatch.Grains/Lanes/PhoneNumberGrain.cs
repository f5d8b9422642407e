using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Runtime;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// The lane of one business phone number. Its turns decide (<see cref="OutboundLane"/>); its
/// <see cref="LanePump"/> carries sends upstream outside the turns and brings the answers back as calls.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "A grain's life ends with OnDeactivateAsync, which disposes the lane.")]
public sealed class PhoneNumberGrain : Grain, IPhoneNumberGrain
{
    /// <summary>How many sends one take turn hands out at most.</summary>
    private const int TakeBatch = 64;

    private readonly IPersistentState<LaneSettings> _settings;
    private readonly ICloudApi _upstream;
    private readonly LaneOptions _options;
    private readonly ILogger<PhoneNumberGrain> _logger;
    private OutboundLane _lane = null!;
    private static readonly TimeSpan GaugeInterval = TimeSpan.FromMilliseconds(250);
    private readonly DispatchMetrics _metrics;
    private long _gaugesAt;
    private LanePump _pump = null!;
    private TaskCompletionSource? _signal;

    /// <summary>Creates the grain; the runtime calls this through the registration in <c>AddWaDispatchGrains</c>.</summary>
    public PhoneNumberGrain(IPersistentState<LaneSettings> settings, ICloudApi upstream, IOptions<LaneOptions> options, DispatchMetrics metrics, ILogger<PhoneNumberGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _settings = settings;
        _upstream = upstream;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var settings = _settings.State;
        _lane = new OutboundLane(settings.ThroughputMps ?? _options.DefaultThroughputMps, _options, TimeProvider);
        if (settings.StopReason is { } reason)
        {
            _lane.Stop(reason);
        }

        _pump = new LanePump(GrainKey, GrainFactory.GetGrain<IPhoneNumberGrain>(GrainKey), _upstream, TimeProvider, _logger, _options.DepartureDelay);
        _pump.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _pump.Stop();
        _metrics.LaneGone(GrainKey);
        _lane.AbandonWaiting();
        _lane.Dispose();
        Pulse();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask EnqueueAsync(OutboundSend send)
    {
        ArgumentNullException.ThrowIfNull(send);
        _lane.Enqueue(send);
        Pulse();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask EnqueueAsync(IReadOnlyList<OutboundSend> sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        foreach (var send in sends)
        {
            ArgumentNullException.ThrowIfNull(send, nameof(sends));
            _lane.Enqueue(send);
        }

        Pulse();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<LaneSnapshot> ConfigureAsync(LaneConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.ThroughputMps is { } mps)
        {
            CheckThroughput(mps, "throughput_mps");
        }

        var settings = _settings.State;
        settings.ThroughputMps = configuration.ThroughputMps;
        settings.BusinessId = configuration.BusinessId;
        settings.DisplayPhoneNumber = configuration.DisplayPhoneNumber;
        settings.TokenReference = configuration.TokenReference;
        settings.WabaId = configuration.WabaId;
        await _settings.WriteStateAsync().ConfigureAwait(false);
        _lane.SetThroughput(settings.ThroughputMps ?? _options.DefaultThroughputMps);
        Pulse();
        return Snapshot();
    }

    /// <inheritdoc />
    public async ValueTask<LaneSnapshot> SetThroughputAsync(int throughputMps)
    {
        CheckThroughput(throughputMps, nameof(throughputMps));
        _settings.State.ThroughputMps = throughputMps;
        await _settings.WriteStateAsync().ConfigureAwait(false);
        _lane.SetThroughput(throughputMps);
        Pulse();
        return Snapshot();
    }

    /// <inheritdoc />
    public async ValueTask<LaneSnapshot> ResumeAsync()
    {
        if (_settings.State.StopReason is not null)
        {
            _settings.State.StopReason = null;
            await _settings.WriteStateAsync().ConfigureAwait(false);
        }

        _lane.Resume();
        LaneLog.Resumed(_logger, GrainKey);
        Pulse();
        return Snapshot();
    }

    /// <inheritdoc />
    public ValueTask RecordInboundAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _lane.RecordInbound(count);
        _metrics.Inbound(GrainKey, count);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<LaneRoute> GetRouteAsync() => ValueTask.FromResult(new LaneRoute(_settings.State.BusinessId ?? GrainKey, _settings.State.WabaId));

    /// <inheritdoc />
    public ValueTask<LaneSnapshot> GetSnapshotAsync() => ValueTask.FromResult(Snapshot());

    /// <summary>The pump's turn: permits and sends for <paramref name="pump"/>, or nothing when it is not this activation's.</summary>
    internal ValueTask<LaneBatch> TakeAsync(LanePump pump)
    {
        var signal = _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!ReferenceEquals(pump, _pump))
        {
            // A pump of an earlier activation: it stops rather than take.
            pump.Stop();
            return ValueTask.FromResult(new LaneBatch([], LaneTake.ForSignal, Task.CompletedTask, null, 1));
        }

        var sends = new List<OutboundSend>();
        var next = _lane.Take(TakeBatch, sends);
        PublishGauges();
        return ValueTask.FromResult(new LaneBatch(sends, next, signal.Task, _settings.State.TokenReference, _lane.SecondCap));
    }

    /// <summary>An upstream answer, brought back as a call.</summary>
    internal async ValueTask CompleteAsync(OutboundSend send, SendResult result)
    {
        var wasStopped = _lane.StopReason;
        _lane.Complete(send, result);
        _metrics.Answer(GrainKey, result.Error?.Code ?? 0);
        Pulse();
        if (_lane.StopReason is { } reason && wasStopped is null)
        {
            LaneLog.Stopped(_logger, GrainKey, reason.Code, reason.Title, reason.Details);
            _settings.State.StopReason = reason;
            try
            {
                await _settings.WriteStateAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The answer is already applied (the send is back in the queue): failing this call would
                // make the pump settle the send a second time. The stop stays in memory and is written
                // with the next change of the settings.
                LaneLog.StopNotPersisted(_logger, ex, GrainKey);
            }
        }
    }

    private LaneSnapshot Snapshot() => _lane.Snapshot(GrainKey, _settings.State);

    /// <summary>Publishes the lane's gauges from this turn, at most four times a second (the pump's turns are many more).</summary>
    private void PublishGauges()
    {
        var now = TimeProvider.GetTimestamp();
        if (TimeProvider.GetElapsedTime(_gaugesAt, now) < GaugeInterval && _gaugesAt != 0)
        {
            return;
        }

        _gaugesAt = now;
        var snapshot = Snapshot();
        var queued = snapshot.Queued;
        _metrics.Lane(GrainKey, queued.Reply + queued.Transactional + queued.Bulk + queued.Held, snapshot.InFlight, snapshot.PacedMps, snapshot.Status.ToString().ToLowerInvariant());
    }

    private void Pulse()
    {
        var signal = _signal;
        _signal = null;
        signal?.TrySetResult();
    }

    private static void CheckThroughput(int throughputMps, string field)
    {
        if (throughputMps is < 1 or > LaneConfiguration.MaxThroughputMps)
        {
            throw new ArgumentOutOfRangeException(field, throughputMps, $"{field} must be between 1 and {LaneConfiguration.MaxThroughputMps} messages per second.");
        }
    }
}
