using System.Diagnostics;
using System.Threading.RateLimiting;

namespace WaDispatch.Grains.Pacing;

/// <summary>
/// Paces permits evenly, one every 1/rate, as a generic cell-rate algorithm over a virtual schedule —
/// not the bursty, timer-refilled token bucket. A permit is granted when its slot on the schedule has
/// come; a caller that comes late may take overdue slots, but only up to <see cref="SmoothRateLimiterOptions.MaxCatchUp"/>
/// behind, so that no sliding second ever holds more than rate × (1 + catch-up) + 1 grants; with the
/// headroom taken off the tier, that stays within the tier.
/// </summary>
/// <remarks>
/// One lock, all arithmetic inside it, no awaits or callbacks under it. Inbound traffic, which counts
/// against the same tier at Meta, takes slots through <see cref="Consume"/>. The rate changes live.
/// </remarks>
public sealed class SmoothRateLimiter : RateLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _headroom;
    private readonly double _maxCatchUp;
    private double _tier;
    private double _interval;
    private double _next;
    private long _granted;
    private long _refused;

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
        _headroom = options.Headroom;
        _maxCatchUp = options.MaxCatchUp.TotalSeconds * _time.TimestampFrequency;
        SetRate(options.PermitsPerSecond);
        _next = _time.GetTimestamp();
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

    /// <summary>The rate permits are actually paced at: the tier less the headroom.</summary>
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

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var behind = _time.GetTimestamp() - _next;
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
            _interval = _time.TimestampFrequency / (permitsPerSecond * (1 - _headroom));
        }
    }

    /// <summary>Takes <paramref name="permits"/> slots without a lease: traffic that used the tier anyway (inbound messages).</summary>
    public void Consume(int permits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        lock (_lock)
        {
            _next = Math.Max(_next, _time.GetTimestamp() - _maxCatchUp) + (permits * _interval);
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
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
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var next = Math.Max(_next, now - _maxCatchUp);
            var last = next + (Math.Max(permitCount, 1) - 1) * _interval;
            if (last <= now)
            {
                if (permitCount > 0)
                {
                    _next = next + (permitCount * _interval);
                    _granted++;
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
