using System.Diagnostics;
using System.Threading.RateLimiting;

namespace WaDispatch.Grains.Pacing;

/// <summary>
/// Paces permits evenly, one every 1/rate, as a generic cell-rate algorithm over a virtual schedule —
/// not the bursty, timer-refilled token bucket. A permit is granted when its slot on the schedule has
/// come; a caller that comes late may take overdue slots, up to <see cref="SmoothRateLimiterOptions.MaxCatchUp"/>
/// behind. A log of the latest grants caps every sliding second at the tier: the pace (the tier less the headroom)
/// leaves each second's last grant that much short of the second, and catching up after a late wake-up may use it.
/// </summary>
/// <remarks>
/// One lock, all arithmetic inside it, no awaits or callbacks under it. Inbound traffic, which counts
/// against the same tier at Meta, takes slots through <see cref="Consume"/>. The rate changes live.
/// </remarks>
public sealed class SmoothRateLimiter : RateLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    // The schedule counts from the limiter's creation: kept in floating point, absolute timestamps (a fake clock's
    // are ticks since year 1) would lose the sub-microsecond precision the schedule needs.
    private readonly long _origin;
    private readonly double _headroom;
    private readonly double _maxCatchUp;
    private readonly double _catchUpSpeed;
    private readonly double _burstSlack;
    private double _tier;
    private double _factor = 1;
    private double _interval;
    private double _next;

    // While behind schedule, permits go at most this often: catching up is fast, but not a wall.
    private double _nextCatchUp;
    private long _granted;
    private long _refused;

    // Timestamps of the latest grants, oldest overwritten first: the sliding-second cap.
    private long[] _log = new long[1];
    private int _logNext;
    private long _logged;
    private int _windowCap;

    /// <summary>Creates the limiter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public SmoothRateLimiter(SmoothRateLimiterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Headroom is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Headroom, "Headroom must be at least 0 and below 1.");
        }

        if (options.MaxCatchUp < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxCatchUp, "MaxCatchUp must not be negative.");
        }

        _time = options.TimeProvider;
        _origin = _time.GetTimestamp();
        _headroom = options.Headroom;
        if (!(options.CatchUpSpeed >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CatchUpSpeed, "CatchUpSpeed must be at least 1.");
        }

        _maxCatchUp = options.MaxCatchUp.TotalSeconds * _time.TimestampFrequency;
        _catchUpSpeed = options.CatchUpSpeed;
        _burstSlack = Math.Min(_maxCatchUp, 0.002 * _time.TimestampFrequency);
        SetRate(options.PermitsPerSecond);
        _next = Now();
    }

    /// <summary>The tier this limiter keeps under.</summary>
    public double PermitsPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _tier;
            }
        }
    }

    /// <summary>The rate permits are actually paced at: the tier less the headroom, times the pace factor.</summary>
    public double PacedPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _time.TimestampFrequency / _interval;
            }
        }
    }

    /// <summary>
    /// The most permits any sliding second may hold: the tier (whole permits, at least one). Paced at the tier less the
    /// headroom, a second's worth of grants spans a little more than a second (25 ms at the default 2.5 %, at every
    /// tier), and a grant late by less than that is made up. It was the paced rate rounded up until issue 22's runs
    /// showed what that cost: at tiers where the rounding lands below the tier (47, 62, 80, 250 … 1,000) it left
    /// 0–9 ms of the second to make up lateness in, and a busy silo's lanes fell up to 2 % further below their tier.
    /// </summary>
    public int SecondCap
    {
        get
        {
            lock (_lock)
            {
                return _windowCap;
            }
        }
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var behind = Now() - _next;
                return behind > _maxCatchUp ? TimeSpan.FromSeconds((behind - _maxCatchUp) / _time.TimestampFrequency) : null;
            }
        }
    }

    /// <summary>Changes the tier; takes effect from the next permit, keeping the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not positive.</exception>
    public void SetRate(double permitsPerSecond)
    {
        if (!(permitsPerSecond > 0) || double.IsInfinity(permitsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(permitsPerSecond), permitsPerSecond, "The rate must be a positive number of permits per second.");
        }

        lock (_lock)
        {
            _tier = permitsPerSecond;
            var paced = permitsPerSecond * (1 - _headroom);
            _interval = _time.TimestampFrequency / (paced * _factor);

            // What bunches on the way to Meta is held by the pump's departure window (a late answer holds its place), not
            // by a cap below the tier: the cap leaves the pace room to make up a late wake-up.
            _windowCap = Math.Max(1, (int)Math.Min(int.MaxValue / 2, Math.Floor(permitsPerSecond)));
            if (_windowCap > _log.Length)
            {
                GrowLog(_windowCap);
            }
        }
    }

    /// <summary>
    /// Paces at <paramref name="factor"/> of the usual rate (slowing down after a rate-limit answer, or
    /// ramping up from idle) without changing the tier, so that the sliding-second cap stays the tier's.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The factor is not in (0, 1].</exception>
    public void SetPaceFactor(double factor)
    {
        if (!(factor > 0) || factor > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The pace factor must be above 0 and at most 1.");
        }

        lock (_lock)
        {
            _factor = factor;
            _interval = _time.TimestampFrequency / (_tier * (1 - _headroom) * factor);
        }
    }

    /// <summary>Forgets overdue slots: the next permit's slot is now. For a start from idle, which owes nothing.</summary>
    public void Restart()
    {
        lock (_lock)
        {
            _next = Now();
        }
    }

    /// <summary>Takes <paramref name="permits"/> slots without a lease: traffic that used the tier anyway (inbound messages).</summary>
    public void Consume(int permits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        lock (_lock)
        {
            var now = Now();
            _next = Math.Max(_next, now - _maxCatchUp) + (permits * _interval);
            Log(now, permits);
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            var now = Now();
            var available = (long)Math.Floor((now - Math.Max(_next, now - _maxCatchUp)) / _interval) + 1;
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Math.Max(0, available),
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">More permits than one sliding second may hold.</exception>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _windowCap);
            var now = Now();
            var next = Math.Max(_next, now - _maxCatchUp);
            var catchUp = Math.Max(_nextCatchUp, now - _burstSlack);
            var last = Math.Max(next + ((Math.Max(permitCount, 1) - 1) * _interval), WindowFreesAt(permitCount));
            if (next < now)
            {
                // Behind schedule: overdue slots go at the catch-up speed, not all at once.
                last = Math.Max(last, catchUp);
            }

            if (last <= now)
            {
                if (permitCount > 0)
                {
                    _next = next + (permitCount * _interval);
                    _nextCatchUp = catchUp + (permitCount * _interval / _catchUpSpeed);
                    _granted++;
                    Log(now, permitCount);
                }

                // One tick of slack: the schedule is kept in floating point.
                Debug.Assert(_next - now <= (permitCount * _interval) + 1, "The schedule never runs ahead of what was granted.");
                return PacingLease.Granted;
            }

            _refused++;
            // Rounded up, and never zero: a caller that waits exactly this long finds its slot.
            var ticks = Math.Ceiling((last - now) * TimeSpan.TicksPerSecond / _time.TimestampFrequency);
            return PacingLease.Refused(TimeSpan.FromTicks(Math.Max(1, (long)ticks)));
        }
    }

    /// <summary>Timestamp ticks since the limiter was created.</summary>
    private long Now() => _time.GetTimestamp() - _origin;

    /// <summary>When <paramref name="permits"/> more fit the sliding second: the instant the grant that would be one too many leaves it.</summary>
    private long WindowFreesAt(int permits)
    {
        // After granting, the second ending now may hold at most _windowCap: the (cap − permits + 1)-th
        // latest grant must have left it.
        var back = _windowCap - permits;
        if (permits == 0 || _logged <= back)
        {
            return long.MinValue;
        }

        var index = (_logNext - 1 - back) % _log.Length;
        return _log[index < 0 ? index + _log.Length : index] + _time.TimestampFrequency;
    }

    private void Log(long now, int permits)
    {
        for (var i = Math.Max(0, permits - _log.Length); i < permits; i++)
        {
            _log[_logNext] = now;
            _logNext = (_logNext + 1) % _log.Length;
        }

        _logged += permits;
    }

    private void GrowLog(int capacity)
    {
        var kept = (int)Math.Min(_logged, _log.Length);
        var grown = new long[capacity];
        for (var i = 0; i < kept; i++)
        {
            var index = (_logNext - kept + i) % _log.Length;
            grown[i] = _log[index < 0 ? index + _log.Length : index];
        }

        _log = grown;
        _logNext = kept % capacity;
        _logged = kept;
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lease = AttemptAcquireCore(permitCount);
            if (lease.IsAcquired || !lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                return lease;
            }

            await Task.Delay(retryAfter, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
