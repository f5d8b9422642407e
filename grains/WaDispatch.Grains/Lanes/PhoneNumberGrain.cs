using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Grains.Messages;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// The lane of one business phone number. Its turns decide (<see cref="OutboundLane"/>); its <see cref="LanePump"/>
/// carries sends upstream outside the turns and brings the answers back as calls; <see cref="LaneOutcomes"/> records
/// how they end. When it activates, it takes up its number's open messages from the ledger.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "A grain's life ends with OnDeactivateAsync, which disposes the lane.")]
public sealed class PhoneNumberGrain : Grain, IPhoneNumberGrain, IRemindable
{
    /// <summary>How many sends one take turn hands out at most.</summary>
    private const int TakeBatch = 64;

    /// <summary>The reminder that wakes a lane with messages waiting in the ledger for a later time.</summary>
    private const string WakeReminder = "wake";

    private static readonly TimeSpan GaugeInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest a pump waits for a signal while its lane holds sends.</summary>
    private static readonly TimeSpan HeldTakeInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A send taken upstream this long ago without an answer has lost it (a take or an answer that never arrived while a
    /// silo died): longer than the upstream timeout and the pump's retries of its answer together.
    /// </summary>
    private static readonly TimeSpan LostAnswerAfter = TimeSpan.FromMinutes(2);

    /// <summary>Wakes further off than this are kept by a reminder too: they survive the lane's collection and its silo.</summary>
    private static readonly TimeSpan ReminderBeyond = TimeSpan.FromMinutes(2);

    /// <summary>How long the lane remembers a send that left it, for its fills (longer than a ledger write takes).</summary>
    private static readonly TimeSpan ReleasedMemory = TimeSpan.FromSeconds(10);

    private readonly IPersistentState<LaneSettings> _settings;
    private readonly ICloudApi _upstream;
    private readonly MessageLedger _ledger;
    private readonly MessageService _messages;
    private readonly LaneOptions _options;
    private readonly DispatchMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PhoneNumberGrain> _logger;
    private readonly LocalLanes _localLanes;
    private readonly LaneRoutes _routes;
    private readonly Dictionary<string, OutboundSend> _upstreamSends = new(StringComparer.Ordinal);

    // Every message the lane holds (queued, held or upstream), by id: a take-up's recheck leaves these alone, and a second
    // copy of one (a take-up racing the dispatch that brought it) is not queued again. Two copies upstream at once would
    // share one entry in _upstreamSends, and the answer of one would be taken for the other's: an in-flight slot lost for good.
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private OutboundLane _lane = null!;
    private LanePump _pump = null!;
    private LaneOutcomes _outcomes = null!;
    private IGrainTimer? _wakeTimer;
    private IGrainTimer? _recheckTimer;
    private DateTimeOffset? _recheckAt;
    private DateTimeOffset? _wakeAt;
    private long _gaugesAt;
    private long _lostCheckedAt;

    // The backlog beyond the window: the ledger may hold due messages of this number that the lane does not (parked
    // by an accept, deferred, or left by an earlier activation); a fill reads the next of them as the lane drains.
    private bool _parked;
    private bool _filling;
    private bool _deactivated;
    private int _parkSignals;
    private long _fillNotBefore;

    // Sends that left the lane lately, while fills may run: a fill's page read just before one left (still accepted and due
    // there until its end is recorded) must not bring it back as unheld.
    private readonly Queue<(string Id, long At)> _releasedOrder = new();
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public PhoneNumberGrain(
        [PersistentState("lane-settings")] IPersistentState<LaneSettings> settings,
        ICloudApi upstream,
        MessageLedger ledger,
        MessageService messages,
        IOptions<LaneOptions> options,
        DispatchMetrics metrics,
        TimeProvider time,
        ILogger<PhoneNumberGrain> logger,
        LocalLanes localLanes,
        LaneRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(options);
        _settings = settings;
        _upstream = upstream;
        _ledger = ledger;
        _messages = messages;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _localLanes = localLanes;
        _routes = routes;
    }

    private string PhoneNumberId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var settings = _settings.State;
        _lane = new OutboundLane(settings.ThroughputMps ?? _options.DefaultThroughputMps, _options, _time) { Ended = Ended };
        if (settings.StopReason is { } reason)
        {
            _lane.Stop(reason);
        }

        _lane.StopForAccount(settings.AccountStopReason);

        var self = this.AsReference<IPhoneNumberGrain>();
        _outcomes = new LaneOutcomes(PhoneNumberId, _ledger, GrainFactory, _metrics, _time, _logger);
        _pump = new LanePump(PhoneNumberId, self, _upstream, _ledger, _outcomes, _time, _logger, _options.DepartureDelay, Superseded, _metrics);
        _pump.Start();

        // Orleans deactivates a grain only once no call is running in it: a stopping silo lets callers waiting in SendAsync go first.
        _localLanes.Add(PhoneNumberId, self, _pump);

        // Outside the turn: the number's open messages come back through the dispatcher, as calls to this lane.
        var activatedAt = _time.GetUtcNow();
        _ = Task.Run(() => _messages.TakeUpAsync(PhoneNumberId, activatedAt, TakeUpScope.Activation), CancellationToken.None);
        _parked = true;
        MaybeFill();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated = true;
        _localLanes.Remove(PhoneNumberId);
        _pump.Stop();
        _metrics.LaneGone(PhoneNumberId);

        // Waiting sends are still accepted in the ledger: the next activation takes them up. Sends upstream finish in the pump.
        _lane.AbandonWaiting();
        _lane.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<int> EnqueueAsync(IReadOnlyList<LaneSend> sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        foreach (var send in sends)
        {
            ArgumentNullException.ThrowIfNull(send, nameof(sends));
            if (_held.Add(send.MessageId))
            {
                _lane.Enqueue(new OutboundSend(send));
            }
        }

        _pump.Pulse();
        return ValueTask.FromResult(_parked ? 0 : Math.Max(0, Window - _held.Count));
    }

    /// <inheritdoc />
    public ValueTask ParkedAsync()
    {
        _parkSignals++;
        _parked = true;
        MaybeFill();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<SendOutcome> SendAsync(LaneSend send)
    {
        ArgumentNullException.ThrowIfNull(send);
        // A copy the lane already holds answers this caller too when it ends.
        var outcome = _outcomes.WaitFor(send.MessageId);
        if (_held.Add(send.MessageId))
        {
            _lane.Enqueue(new OutboundSend(send));
        }

        _pump.Pulse();
        return await outcome;
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync()
    {
        _pump.Stop();
        _lane.AbandonWaiting();
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
        try
        {
            await _settings.WriteStateAsync();
        }
        finally
        {
            // This silo's admissions take the new business and WABA from the next message on (the front door forgets it
            // on its own silo too); also when the write failed, as the lane answers what it holds in memory.
            _routes.Forget(PhoneNumberId);
        }

        _lane.SetThroughput(settings.ThroughputMps ?? _options.DefaultThroughputMps);
        _pump.Pulse();
        return Snapshot();
    }

    /// <inheritdoc />
    public async ValueTask<LaneSnapshot> SetThroughputAsync(int throughputMps)
    {
        CheckThroughput(throughputMps, nameof(throughputMps));
        _settings.State.ThroughputMps = throughputMps;
        await _settings.WriteStateAsync();
        _lane.SetThroughput(throughputMps);
        _pump.Pulse();
        return Snapshot();
    }

    /// <inheritdoc />
    public async ValueTask<LaneSnapshot> ResumeAsync()
    {
        if (_settings.State.StopReason is not null || _settings.State.AccountStopReason is not null)
        {
            _settings.State.StopReason = null;
            _settings.State.AccountStopReason = null;
            await _settings.WriteStateAsync();
        }

        _lane.Resume();
        LaneLog.Resumed(_logger, PhoneNumberId);
        _pump.Pulse();
        return Snapshot();
    }

    /// <inheritdoc />
    public async ValueTask<LaneSnapshot> StopAsync(LaneStopReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (_lane.AccountStopReason is not { } current || current.Code != reason.Code || current.Details != reason.Details)
        {
            _lane.StopForAccount(reason);
            _settings.State.AccountStopReason = reason;
            await _settings.WriteStateAsync();
            LaneLog.Stopped(_logger, PhoneNumberId, reason.Code, reason.Title, reason.Details);
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public async ValueTask<LaneSnapshot> ResumeIfStoppedByAsync(IReadOnlyList<int> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var account = _lane.AccountStopReason is { } reason && codes.Contains(reason.Code);
        // Meta answers a busy lane's sends with the account's own code (368, 131031) while the account is blocked: that
        // stop is the account's too, and ends with it (as does one saved before the two were kept apart).
        var own = _lane.OwnStopReason is { } ownReason && codes.Contains(ownReason.Code);
        if (!account && !own)
        {
            return Snapshot();
        }

        if (account)
        {
            _lane.StopForAccount(null);
            _settings.State.AccountStopReason = null;
        }

        if (own)
        {
            _lane.EndOwnStop();
            _settings.State.StopReason = null;
        }

        await _settings.WriteStateAsync();
        if (_lane.Status != LaneStatus.Stopped)
        {
            LaneLog.Resumed(_logger, PhoneNumberId);
        }

        _pump.Pulse();
        return Snapshot();
    }

    /// <inheritdoc />
    public ValueTask RecordInboundAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _lane.RecordInbound(count);
        _metrics.Inbound(PhoneNumberId, count);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask WakeAtAsync(DateTimeOffset at)
    {
        if (_wakeAt is { } planned && planned <= at && _wakeTimer is not null)
        {
            return;
        }

        _wakeAt = at;
        var due = at - _time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
        _wakeTimer?.Dispose();
        _wakeTimer = this.RegisterGrainTimer(WakeUpAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = due < ReminderBeyond });
        if (due >= ReminderBeyond)
        {
            // Reminders tick at most once a minute: the timer is exact while the lane is active, the reminder survives it.
            await this.RegisterOrUpdateReminder(WakeReminder, due, TimeSpan.FromMinutes(1));
        }
    }

    /// <inheritdoc />
    public ValueTask RecheckAtAsync(DateTimeOffset at)
    {
        BookRecheck(at);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> UnheldAsync(IReadOnlyList<string> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        ForgetReleased();
        // An array, whose copier Orleans finds once (the compiler's type for a collection expression has none).
        string[] unheld = [.. messageIds.Where(id => !_held.Contains(id) && !_released.Contains(id))];
        return ValueTask.FromResult<IReadOnlyList<string>>(unheld);
    }

    /// <inheritdoc />
    public ValueTask WakeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeReminder)
        {
            return;
        }

        if (_wakeAt is null || _wakeAt <= _time.GetUtcNow())
        {
            // Nothing left to wait for once the due messages are taken up; the take-up books the next wake if there is one.
            if (await this.GetReminder(WakeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            await WakeUpAsync(CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public ValueTask<LaneRoute> GetRouteAsync() => ValueTask.FromResult(new LaneRoute(_settings.State.BusinessId ?? PhoneNumberId, _settings.State.WabaId));

    /// <inheritdoc />
    public ValueTask<LaneSnapshot> GetSnapshotAsync() => ValueTask.FromResult(Snapshot());

    /// <inheritdoc />
    public ValueTask<LaneBatch> TakeAsync(Guid pump)
    {
        if (pump != _pump.Id)
        {
            // An earlier activation's pump: it stops rather than take.
            return ValueTask.FromResult(new LaneBatch([], LaneWait.Signal, 0, null, 1, Stop: true));
        }

        ReclaimLostAnswers();
        var sends = new List<OutboundSend>();
        var next = _lane.Take(TakeBatch, sends);
        MaybeFill();
        var taken = new List<TakenSend>(sends.Count);
        foreach (var send in sends)
        {
            _upstreamSends[send.Id] = send;
            taken.Add(new TakenSend(send.Send, send.Attempts, send.TakenAt));
        }

        PublishGauges();
        if (next.Wait == LaneWait.Signal && _held.Count > 0)
        {
            // Holding sends, the pump comes back at least this often even without a signal: a turn is activity that keeps
            // the lane from idle collection, and a pump whose calls now reach another activation finds out and ends this one.
            next = LaneTake.Until(_time.GetTimestamp() + (long)(HeldTakeInterval.TotalSeconds * _time.TimestampFrequency));
        }

        return ValueTask.FromResult(new LaneBatch(taken, next.Wait, next.WakeAt, _settings.State.TokenReference, _lane.SecondCap));
    }

    /// <inheritdoc />
    public async ValueTask<LaneVerdict> CompleteAsync(LaneAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Pump != _pump.Id)
        {
            // Another activation's pump (Orleans briefly had two during a silo's death or join): it settles the send itself.
            return new LaneVerdict(false, null, Known: false, Superseded: true);
        }

        if (!_upstreamSends.TryGetValue(answer.MessageId, out var send) || send.Attempts != answer.Attempt)
        {
            return new LaneVerdict(false, null, Known: false);
        }

        _upstreamSends.Remove(answer.MessageId);
        if (answer.Duplicate)
        {
            _lane.Forget(send);
            Release(send.Id);
            _pump.Pulse();
            return new LaneVerdict(true, new SendOutcome(SendStatus.Abandoned, null, null, send.Attempts, _time.GetUtcNow()));
        }

        send.UpstreamTime = answer.UpstreamTime;
        send.LedgerTime = answer.LedgerTime;
        send.DepartureWait = answer.DepartureWait;
        var result = answer.Response is { } response
            ? SendResult.Success(response, answer.HttpStatus)
            : SendResult.Failure(answer.Error ?? CloudApiError.Create(ErrorCodes.SomethingWentWrong, "Something went wrong", "No answer."), answer.HttpStatus, answer.RetryAfter, answer.OutcomeUnknown);
        var wasStopped = _lane.OwnStopReason;
        _lane.Complete(send, result);
        _metrics.Answer(PhoneNumberId, result.Error?.Code ?? 0);
        _pump.Pulse();
        if (_lane.OwnStopReason is { } reason && wasStopped is null)
        {
            LaneLog.Stopped(_logger, PhoneNumberId, reason.Code, reason.Title, reason.Details);
            _settings.State.StopReason = reason;
            try
            {
                await _settings.WriteStateAsync();
            }
            catch (Exception ex)
            {
                // The answer is already applied (the send is back in the queue): failing this call would make the pump
                // settle the send a second time. The stop stays in memory and is written with the next settings change.
                LaneLog.StopNotPersisted(_logger, ex, PhoneNumberId);
            }
        }

        if (_held.Count == 0)
        {
            // The lane drained: its gauges say so now, not at its next take, which may be long in coming.
            PublishGauges(force: true);
        }

        // Sends that leave free room too: with its queue empty the pump may not take again until signalled.
        MaybeFill();

        return send.Outcome is { } outcome ? new LaneVerdict(true, outcome) : new LaneVerdict(false, null);
    }

    /// <summary>
    /// This activation's pump reached another activation of the lane: the cluster's calls go there now. This one ends
    /// (thread-safe, called from the pump); its waiting sends are still accepted in the ledger, where the other takes them up.
    /// </summary>
    private void Superseded()
    {
        LaneLog.Superseded(_logger, PhoneNumberId);
        GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "Another activation of this lane answers its calls."));
    }

    /// <summary>A send left the lane; one that ended without an answer to settle (expired, abandoned) is recorded from here.</summary>
    private void Ended(OutboundSend send, SendOutcome outcome)
    {
        Release(send.Id);
        if (outcome.Status is SendStatus.Expired or SendStatus.Abandoned)
        {
            _ = _outcomes.SettleAsync(send.Send, outcome);
        }
    }

    private Task WakeUpAsync(CancellationToken cancellationToken)
    {
        _wakeAt = null;
        _wakeTimer?.Dispose();
        _wakeTimer = null;

        // Due messages wait in the ledger: the fill reads them, as many as the window holds. A fill under way read the
        // ledger as of before this instant (it may have missed what just came due): like a park, the wake-up keeps the
        // lane parked past it, and the next fill reads them.
        _parkSignals++;
        _parked = true;
        _fillNotBefore = 0;
        MaybeFill();
        return Task.CompletedTask;
    }

    /// <summary>
    /// How many sends the lane keeps in memory: <see cref="LaneOptions.QueueWindow"/> of its tier, at most its share of
    /// <see cref="LaneOptions.MaxBacklogMemory"/> among the lanes of this silo, at least <see cref="LaneOptions.MinQueuedSends"/>.
    /// </summary>
    private int Window
    {
        get
        {
            var tier = (_settings.State.ThroughputMps ?? _options.DefaultThroughputMps) * _options.QueueWindow.TotalSeconds;
            var share = _options.MaxBacklogMemory / _options.BytesPerQueuedSend / Math.Max(1, _localLanes.Count);
            return (int)Math.Max(_options.MinQueuedSends, Math.Min(tier, share));
        }
    }

    /// <summary>
    /// Reads the next due messages of the backlog from the ledger once the lane is down to half its window, most urgent
    /// class first and in acceptance order within it, one fill at a time; each comes back through the dispatcher as an enqueue. Runs in the grain's context.
    /// </summary>
    private void MaybeFill()
    {
        var window = Window;
        if (!_parked || _filling || _deactivated || _held.Count > window / 2 || _time.GetTimestamp() < _fillNotBefore)
        {
            return;
        }

        _filling = true;
        _ = FillAsync(window - _held.Count);
    }

    private async Task FillAsync(int room)
    {
        var signals = _parkSignals;
        var now = _time.GetUtcNow();
        TakeUpResult result;
        try
        {
            result = await Task.Run(() => _messages.TakeUpAsync(PhoneNumberId, now, TakeUpScope.Due, room), CancellationToken.None);
        }
        catch (Exception ex)
        {
            LaneLog.FillFailed(_logger, ex, PhoneNumberId);
            result = new TakeUpResult(0, CaughtUp: false, Failed: true);
        }
        finally
        {
            _filling = false;
        }

        if (result.Failed || (result.Dispatched == 0 && !result.CaughtUp))
        {
            // The ledger could not be read (the take-up booked a recheck as well), or the silo is stopping and the
            // take-up read nothing: try again in a second rather than at once.
            _fillNotBefore = _time.GetTimestamp() + _time.TimestampFrequency;
            return;
        }

        if (result.CaughtUp && signals == _parkSignals)
        {
            // Everything due is held or on its way, and nothing was parked since this fill began.
            _parked = false;
            return;
        }

        MaybeFill();
    }

    private Task RecheckAsync(CancellationToken cancellationToken)
    {
        _recheckAt = null;
        _recheckTimer?.Dispose();
        _recheckTimer = null;
        var now = _time.GetUtcNow();
        _ = Task.Run(() => _messages.TakeUpAsync(PhoneNumberId, now, TakeUpScope.Recheck), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Frees the in-flight slots of sends whose answer was lost (checked every few seconds at most): left held, they would
    /// stop the lane for good. Their messages are in the ledger as the pump left them (sent, accepted, or `sending`),
    /// where a recheck takes up whatever is still open.
    /// </summary>
    private void ReclaimLostAnswers()
    {
        var now = _time.GetTimestamp();
        if (_upstreamSends.Count == 0 || _time.GetElapsedTime(_lostCheckedAt, now) < GaugeInterval * 20)
        {
            return;
        }

        _lostCheckedAt = now;
        var lost = _upstreamSends.Values.Where(s => _time.GetElapsedTime(s.TakenAt, now) > LostAnswerAfter).ToList();
        if (lost.Count == 0)
        {
            return;
        }

        var utcNow = _time.GetUtcNow();
        foreach (var send in lost)
        {
            _upstreamSends.Remove(send.Id);
            _lane.Forget(send);
            Release(send.Id);

            // A caller waiting in SendAsync is let go; for the ledger, abandoned changes nothing.
            _ = _outcomes.SettleAsync(send.Send, new SendOutcome(SendStatus.Abandoned, null, null, send.Attempts, utcNow));
        }

        LaneLog.AnswersLost(_logger, PhoneNumberId, lost.Count);
        BookRecheck(utcNow + MessageService.TakeUpGrace);
    }

    private void BookRecheck(DateTimeOffset at)
    {
        if (_recheckAt is { } planned && planned <= at && _recheckTimer is not null)
        {
            return;
        }

        _recheckAt = at;
        var due = at - _time.GetUtcNow();
        _recheckTimer?.Dispose();
        _recheckTimer = this.RegisterGrainTimer(RecheckAsync, new GrainTimerCreationOptions(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void Release(string messageId)
    {
        if (_held.Remove(messageId) && (_parked || _filling) && _released.Add(messageId))
        {
            _releasedOrder.Enqueue((messageId, _time.GetTimestamp()));
            ForgetReleased();
        }
    }

    /// <summary>Forgets sends that left more than <see cref="ReleasedMemory"/> ago: their ends are in the ledger by then.</summary>
    private void ForgetReleased()
    {
        var before = _time.GetTimestamp() - (long)(ReleasedMemory.TotalSeconds * _time.TimestampFrequency);
        while (_releasedOrder.TryPeek(out var oldest) && oldest.At < before)
        {
            _releasedOrder.Dequeue();
            _released.Remove(oldest.Id);
        }
    }

    private LaneSnapshot Snapshot() => _lane.Snapshot(PhoneNumberId, _settings.State);

    /// <summary>Publishes the lane's gauges from this turn, at most four times a second (the pump's turns are many more).</summary>
    private void PublishGauges(bool force = false)
    {
        var now = _time.GetTimestamp();
        if (!force && _time.GetElapsedTime(_gaugesAt, now) < GaugeInterval && _gaugesAt != 0)
        {
            return;
        }

        _gaugesAt = now;
        var snapshot = Snapshot();
        var queued = snapshot.Queued;
        _metrics.Lane(PhoneNumberId, queued.Reply + queued.Transactional + queued.Bulk + queued.Held, snapshot.InFlight, snapshot.PacedMps, snapshot.Status.ToString().ToLowerInvariant(), snapshot.ThroughputMps);
    }

    private static void CheckThroughput(int throughputMps, string field)
    {
        if (throughputMps is < 1 or > LaneConfiguration.MaxThroughputMps)
        {
            throw new ArgumentOutOfRangeException(field, throughputMps, $"{field} must be between 1 and {LaneConfiguration.MaxThroughputMps} messages per second.");
        }
    }
}
