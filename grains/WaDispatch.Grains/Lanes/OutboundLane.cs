using System.Threading.RateLimiting;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Grains.Pacing;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// The decisions of one phone number's lane, free of I/O: which send goes next (priority, then
/// round-robin between flows), whether its permit has come (<see cref="SmoothRateLimiter"/>), how many
/// may be upstream at once, and what each upstream answer does to the send and to the lane.
/// </summary>
/// <remarks>
/// Not thread-safe: <see cref="PhoneNumberGrain"/> calls it inside its turns only. All time comes from
/// the injected clock, so tests drive it step by step.
/// </remarks>
internal sealed class OutboundLane : IDisposable
{
    /// <summary>
    /// A 130429 cuts the paced rate by the share of the last second's answers that were 130429, and by at least this
    /// much: a tier set far above Meta's (half the answers refused) halves the pace at once, while the odd refusal of a
    /// send that reached Meta bunched with others (jitter on the way) costs a few percent, not a third.
    /// </summary>
    private const double MinThrottleCut = 0.05;

    /// <summary>...never below this share of the tier...</summary>
    private const double ThrottleFloor = 0.05;

    /// <summary>
    /// ...and 130429s within this long of the last cut cut nothing more: Meta counts a sliding second, so for a second
    /// after a cut it still refuses what the faster pace put into that second.
    /// </summary>
    private static readonly TimeSpan ThrottleSettle = TimeSpan.FromSeconds(1);

    /// <summary>After a second without 130429, the rate recovers by this share of the tier per second.</summary>
    private const double RecoveryPerSecond = 0.1;

    private static readonly TimeSpan RecoveryHold = TimeSpan.FromSeconds(1);

    /// <summary>In-flight sends allowed beyond what the observed answer time needs.</summary>
    private const int LatencySlack = 4;

    /// <summary>
    /// A lane that starts from idle paces from half its rate up to the full rate over this long: cold
    /// connections and a cold process delay the first sends, which then arrive bunched with the next.
    /// </summary>
    private static readonly TimeSpan RampUp = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan IdleReset = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StoppedPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPairSnooze = TimeSpan.FromMinutes(17);

    private readonly LaneOptions _options;
    private readonly TimeProvider _time;
    private readonly SmoothRateLimiter _limiter;
    private readonly OutboundQueue _queue = new();
    private readonly RateMeter _outbound;
    private readonly RateMeter _inbound;
    private readonly RateMeter _answers;
    private readonly RateMeter _throttled;

    // When each granted send recorded in the ledger leaves (its grant plus Lanes:DepartureDelay), in grant order.
    private readonly Queue<long> _departures = new();
    private readonly Random _jitter;
    private double _latencyTicks;
    private double _throttle = 1;
    private double _ramp = 1;
    private long _rampStartedAt;
    private long _lastThrottleAt = long.MinValue;
    private long _lastRecoveryAt;
    private long _pausedUntil;
    private long _idleSince;
    private long _sent;
    private long _failed;
    private long _expired;
    private long _rateLimited;
    private long _retried;

    public OutboundLane(int throughputMps, LaneOptions options, TimeProvider time, Random? jitter = null)
    {
        _options = options;
        _time = time;
        _jitter = jitter ?? Random.Shared;
        ThroughputMps = throughputMps;
        _limiter = new SmoothRateLimiter(new SmoothRateLimiterOptions
        {
            PermitsPerSecond = throughputMps,
            Headroom = options.Headroom,
            MaxCatchUp = options.MaxCatchUp,
            // A burst would need many new connections at once, and arrive late and bunched.
            CatchUpSpeed = 2,
            TimeProvider = time,
        });
        _outbound = new RateMeter(time);
        _inbound = new RateMeter(time);
        _answers = new RateMeter(time);
        _throttled = new RateMeter(time);
        InFlightLimit = options.InitialInFlight;
        _idleSince = time.GetTimestamp() - Ticks(IdleReset);
    }

    public int ThroughputMps { get; private set; }

    public LaneStatus Status { get; private set; }

    /// <summary>Why the lane is stopped: its own stop (Meta refused its sends) first, else its account's; null while it runs.</summary>
    public LaneStopReason? StopReason => OwnStopReason ?? AccountStopReason;

    /// <summary>The lane's own stop: an answer of Meta's that stops a number (a token or number problem).</summary>
    public LaneStopReason? OwnStopReason { get; private set; }

    /// <summary>Its account's stop (the WABA was banned or restricted), ended by the account alone or an operator.</summary>
    public LaneStopReason? AccountStopReason { get; private set; }

    public int InFlight { get; private set; }

    /// <summary>The most sends any sliding second may hold at this lane's tier (the pacer's cap); the pump holds departures to it too.</summary>
    public int SecondCap => _limiter.SecondCap;

    public int InFlightLimit { get; private set; }

    /// <summary>Told of every send that leaves the lane (sent, failed, expired, abandoned), inside the call that ended it.</summary>
    public Action<OutboundSend, SendOutcome>? Ended { get; set; }

    /// <summary>Every send the lane holds: queued, held, and upstream.</summary>
    public int Backlog => _queue.Count + InFlight;

    /// <summary>Changes the tier; the next permit already follows it.</summary>
    public void SetThroughput(int throughputMps)
    {
        ThroughputMps = throughputMps;
        _limiter.SetRate(throughputMps);
    }

    public void Enqueue(OutboundSend send)
    {
        var now = _time.GetTimestamp();
        if (Backlog == 0 && Elapsed(_idleSince, now) >= IdleReset)
        {
            // Connections idle this long may be gone: start small and slow again.
            InFlightLimit = _options.InitialInFlight;
            _ramp = 0.5;
            _rampStartedAt = now;
            ApplyRate();
            _limiter.Restart();
        }

        if (send.NotBefore is { } notBefore && notBefore > _time.GetUtcNow())
        {
            _queue.Hold(send, now + Ticks(notBefore - _time.GetUtcNow()));
            return;
        }

        _queue.Enqueue(send);
    }

    /// <summary>Inbound messages the webhook path saw: they used the tier at Meta, so outbound gives way.</summary>
    public void RecordInbound(int count)
    {
        _limiter.Consume(count);
        _inbound.Add(_time.GetTimestamp(), count);
    }

    /// <summary>
    /// Grants permits and hands out up to <paramref name="max"/> sends, highest priority first, while
    /// the in-flight limit allows. Says when to come back.
    /// </summary>
    public LaneTake Take(int max, List<OutboundSend> taken)
    {
        var now = _time.GetTimestamp();
        var utcNow = _time.GetUtcNow();
        if (Status == LaneStatus.Paused && now >= _pausedUntil)
        {
            Status = LaneStatus.Running;
        }

        if (Status != LaneStatus.Running)
        {
            ExpireWaiting(utcNow);
            if (_queue.Count == 0)
            {
                return LaneTake.ForSignal;
            }

            var poll = now + Ticks(StoppedPoll);
            return LaneTake.Until(Status == LaneStatus.Paused ? Math.Min(_pausedUntil, poll) : poll);
        }

        Recover(now);
        Ramp(now);
        while (taken.Count < max)
        {
            if (Upstream(now) >= Math.Min(InFlightLimit, LatencyBound()))
            {
                return LaneTake.ForSignal;
            }

            if (!_queue.HasReady(now))
            {
                return _queue.NextHeldAt is { } heldAt ? LaneTake.Until(heldAt) : LaneTake.ForSignal;
            }

            // The permit first, then the send: a refusal must not cost a flow its turn.
            using (var lease = _limiter.AttemptAcquire())
            {
                if (!lease.IsAcquired)
                {
                    lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
                    return LaneTake.Until(now + Ticks(retryAfter));
                }
            }

            if (!TryDequeueLive(utcNow, out var send))
            {
                // Everything ready had expired; the permit goes unused.
                continue;
            }

            send.Attempts++;
            send.TakenBy = this;
            send.TakenAt = now;
            if (send.Send.Recorded)
            {
                _departures.Enqueue(now + Ticks(_options.DepartureDelay));
            }

            InFlight++;
            _outbound.Add(now);
            taken.Add(send);
        }

        return LaneTake.Again;
    }

    /// <summary>What an upstream answer does: to the send (done, retried, held, failed) and to the lane (slowed, paused, stopped).</summary>
    public void Complete(OutboundSend send, SendResult result)
    {
        if (ReferenceEquals(send.TakenBy, this))
        {
            InFlight--;
            // The answer time upstream: a send recorded in the ledger left Lanes:DepartureDelay after its grant. Its wait
            // for a place in the departures is not counted: the bound on sends in flight (LatencyBound) grew with it, and
            // a queue of departures built in a stall then kept itself (0.7-1.6 s from permit to departure on average in the
            // tiers run at 6.2 % of the tiers; 0.1 s since, 2026-12-06).
            var latency = Math.Max(0, _time.GetTimestamp() - send.TakenAt - (send.Send.Recorded ? Ticks(_options.DepartureDelay) : 0) - Ticks(send.DepartureWait));
            _latencyTicks = _latencyTicks == 0 ? latency : (0.9 * _latencyTicks) + (0.1 * latency);
        }

        send.TakenBy = null;
        var now = _time.GetTimestamp();
        var utcNow = _time.GetUtcNow();
        _answers.Add(now);
        if (result.IsSuccess)
        {
            _sent++;
            InFlightLimit = Math.Min(_options.MaxInFlight, InFlightLimit + 1);
            End(send, SendStatus.Sent, result.Response, null, utcNow);
        }
        else
        {
            React(send, result, now, utcNow);
        }

        if (Backlog == 0)
        {
            _idleSince = now;
        }
    }

    /// <summary>Drops a send taken upstream that did not leave and is not this lane's to end (another dispatch of the same message owns it).</summary>
    public void Forget(OutboundSend send)
    {
        if (ReferenceEquals(send.TakenBy, this))
        {
            InFlight--;
        }

        send.TakenBy = null;
        if (Backlog == 0)
        {
            _idleSince = _time.GetTimestamp();
        }
    }

    /// <summary>Stops the lane on its own account (Meta refused its sends) until <see cref="Resume"/>; its sends wait (and expire).</summary>
    public void Stop(LaneStopReason reason)
    {
        Status = LaneStatus.Stopped;
        OwnStopReason = reason;
    }

    /// <summary>
    /// Stops the lane for its account (null: ends that stop). The lane runs again only when its own stop is over too:
    /// the account's recovery does not undo a stop Meta's answers made.
    /// </summary>
    public void StopForAccount(LaneStopReason? reason)
    {
        AccountStopReason = reason;
        if (reason is not null)
        {
            Status = LaneStatus.Stopped;
        }
        else
        {
            Unstop();
        }
    }

    /// <summary>Ends the lane's own stop (its reason was the account's, now gone); an account stop stays.</summary>
    public void EndOwnStop()
    {
        OwnStopReason = null;
        Unstop();
    }

    /// <summary>A stop whose reasons are all gone ends: the lane runs, or stays paused while a pause Meta asked for lasts.</summary>
    private void Unstop()
    {
        if (Status == LaneStatus.Stopped && StopReason is null)
        {
            Status = _time.GetTimestamp() < _pausedUntil ? LaneStatus.Paused : LaneStatus.Running;
        }
    }

    /// <summary>Ends every stop and a pause (an operator's resume).</summary>
    public void Resume()
    {
        Status = LaneStatus.Running;
        OwnStopReason = null;
        AccountStopReason = null;
        _pausedUntil = 0;
    }

    /// <summary>Completes every waiting send as abandoned (the lane is going away); sends upstream finish on their own.</summary>
    public void AbandonWaiting()
    {
        var utcNow = _time.GetUtcNow();
        foreach (var send in _queue.RemoveAll(static _ => true))
        {
            End(send, SendStatus.Abandoned, null, null, utcNow);
        }

        _idleSince = _time.GetTimestamp();
    }

    public LaneSnapshot Snapshot(string phoneNumberId, LaneSettings settings)
    {
        var now = _time.GetTimestamp();
        return new LaneSnapshot
        {
            PhoneNumberId = phoneNumberId,
            ThroughputMps = ThroughputMps,
            ThroughputIsDefault = settings.ThroughputMps is null,
            PacedMps = Math.Round(_limiter.PacedPerSecond, 3),
            OutboundPerSecond = _outbound.PerSecond(now),
            InboundPerSecond = _inbound.PerSecond(now),
            Queued = new LaneQueueDepth(_queue.ReadyIn(SendPriority.Reply), _queue.ReadyIn(SendPriority.Transactional), _queue.ReadyIn(SendPriority.Bulk), _queue.HeldCount),
            InFlight = InFlight,
            InFlightLimit = Math.Min(InFlightLimit, LatencyBound()),
            Status = Status,
            StopReason = StopReason,
            PausedUntil = Status == LaneStatus.Paused ? _time.GetUtcNow() + TimeSpan.FromSeconds((double)(_pausedUntil - now) / _time.TimestampFrequency) : null,
            BusinessId = settings.BusinessId,
            WabaId = settings.WabaId,
            DisplayPhoneNumber = settings.DisplayPhoneNumber,
            TokenReference = settings.TokenReference,
            Counters = new LaneCounters(_sent, _failed, _expired, _rateLimited, _retried),
        };
    }

    public void Dispose() => _limiter.Dispose();

    private void React(OutboundSend send, SendResult result, long now, DateTimeOffset utcNow)
    {
        var error = result.Error!;
        var action = result.Action ?? ErrorClassification.Classify(error.Code);
        send.LastError = error;

        switch (action.Class)
        {
            case ErrorClass.LaneThrottle:
                // Back-pressure, never a failure: slow down and send it again, first in its flow.
                _rateLimited++;
                _throttled.Add(now);
                Throttle(now);
                Retry(send);
                break;
            case ErrorClass.MaintenancePause:
                Pause(now, result.RetryAfter ?? _options.MaintenancePause);
                Retry(send);
                break;
            case ErrorClass.AccountThrottle:
                Pause(now, result.RetryAfter ?? action.Retry.Delay);
                Retry(send);
                break;
            case ErrorClass.StopLane or ErrorClass.Auth:
                Stop(new LaneStopReason(error.Code, error.Message ?? action.Meaning, error.Details, utcNow));
                Retry(send);
                break;
            case ErrorClass.Transient when !result.OutcomeUnknown:
                send.TransientFailures++;
                var delay = action.Retry.DelayFor(send.TransientFailures - 1, _options.MaxRetryDelay) * (0.5 + (0.5 * _jitter.NextDouble()));
                Hold(send, now, delay, utcNow);
                break;
            case ErrorClass.PairThrottle:
                send.PairThrottles++;
                Hold(send, now, action.Retry.DelayFor(send.PairThrottles - 1, MaxPairSnooze), utcNow);
                break;
            default:
                // Refused for good, or sent-or-not unknown: retrying could deliver it twice.
                _failed++;
                End(send, SendStatus.Failed, null, error, utcNow);
                break;
        }
    }

    private void Retry(OutboundSend send)
    {
        _retried++;
        _queue.Return(send);
    }

    private void Hold(OutboundSend send, long now, TimeSpan delay, DateTimeOffset utcNow)
    {
        if (utcNow + delay >= send.ExpiresAt)
        {
            Expire(send, utcNow);
            return;
        }

        _retried++;
        _queue.Hold(send, now + Ticks(delay));
    }

    private void Pause(long now, TimeSpan duration)
    {
        if (Status == LaneStatus.Stopped)
        {
            return;
        }

        Status = LaneStatus.Paused;
        _pausedUntil = Math.Max(_pausedUntil, now + Ticks(duration));
    }

    private void Throttle(long now)
    {
        if (_lastThrottleAt != long.MinValue && Elapsed(_lastThrottleAt, now) < ThrottleSettle)
        {
            return;
        }

        _lastThrottleAt = now;
        var refused = (double)_throttled.Recent(now) / Math.Max(1, _answers.Recent(now));
        _throttle = Math.Max(ThrottleFloor, _throttle * (1 - Math.Clamp(refused, MinThrottleCut, 1 - ThrottleFloor)));
        ApplyRate();
    }

    private void Recover(long now)
    {
        if (_throttle >= 1)
        {
            return;
        }

        var holdEnd = _lastThrottleAt + Ticks(RecoveryHold);
        if (now < holdEnd)
        {
            return;
        }

        var from = Math.Max(holdEnd, _lastRecoveryAt);
        _throttle = Math.Min(1, _throttle + (RecoveryPerSecond * (now - from) / _time.TimestampFrequency));
        _lastRecoveryAt = now;
        ApplyRate();
    }

    /// <summary>
    /// In flight at most what the pace keeps busy for four times the observed answer time (from the permit, less the
    /// send's wait for its place in the departures), plus a few: when this process stalls after granting, only that
    /// many sends are held up to leave together.
    /// </summary>
    private int LatencyBound() =>
        (int)Math.Min(int.MaxValue, Math.Ceiling(_limiter.PacedPerSecond * 4 * _latencyTicks / _time.TimestampFrequency) + LatencySlack);

    /// <summary>
    /// Sends upstream now: in flight, less those granted that are still waiting out Lanes:DepartureDelay. The in-flight
    /// limits bound requests at Meta; the sends waiting to leave are bounded by the pace itself (the pump keeps their
    /// departures to the pacer's cap).
    /// </summary>
    private int Upstream(long now)
    {
        while (_departures.TryPeek(out var at) && at <= now)
        {
            _departures.Dequeue();
        }

        return Math.Max(0, InFlight - _departures.Count);
    }

    private void Ramp(long now)
    {
        if (_ramp >= 1)
        {
            return;
        }

        _ramp = Math.Min(1, 0.5 + (0.5 * Elapsed(_rampStartedAt, now) / RampUp));
        ApplyRate();
    }

    private void ApplyRate() => _limiter.SetPaceFactor(_throttle * _ramp);

    private bool TryDequeueLive(DateTimeOffset utcNow, out OutboundSend send)
    {
        while (_queue.TryDequeue(out send))
        {
            if (send.ExpiresAt > utcNow)
            {
                return true;
            }

            Expire(send, utcNow);
        }

        return false;
    }

    private void ExpireWaiting(DateTimeOffset utcNow)
    {
        foreach (var send in _queue.RemoveAll(s => s.ExpiresAt <= utcNow))
        {
            Expire(send, utcNow);
        }
    }

    private void Expire(OutboundSend send, DateTimeOffset utcNow)
    {
        _expired++;
        End(send, SendStatus.Expired, null, null, utcNow);
        if (Backlog == 0)
        {
            _idleSince = _time.GetTimestamp();
        }
    }

    private void End(OutboundSend send, SendStatus status, CloudApi.Messages.SendMessageResponse? response, CloudApiError? error, DateTimeOffset at)
    {
        if (send.TryComplete(status, response, error, at))
        {
            Ended?.Invoke(send, send.Outcome!);
        }
    }

    private long Ticks(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds * _time.TimestampFrequency);

    private TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((double)(to - from) / _time.TimestampFrequency);
}
