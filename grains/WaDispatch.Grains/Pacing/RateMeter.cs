namespace WaDispatch.Grains.Pacing;

/// <summary>
/// Counts events in 100 ms buckets and reports the last ten complete ones: a cheap "current rate" for
/// snapshots and metrics, at most 100 ms stale; not a referee (the simulator counts exact sliding seconds).
/// </summary>
/// <remarks>Not thread-safe: owned by one grain and used in its turns.</remarks>
internal sealed class RateMeter
{
    private const int Buckets = 11;
    private readonly long[] _counts = new long[Buckets];
    private readonly long[] _slots = new long[Buckets];
    private readonly long _slotLength;

    public RateMeter(TimeProvider time) => _slotLength = time.TimestampFrequency / 10;

    /// <summary>Records <paramref name="count"/> events at <paramref name="now"/>.</summary>
    public void Add(long now, long count = 1)
    {
        var slot = now / _slotLength;
        var index = (int)(slot % Buckets);
        if (_slots[index] != slot)
        {
            _slots[index] = slot;
            _counts[index] = 0;
        }

        _counts[index] += count;
    }

    /// <summary>Events in the last ten complete buckets: the last full second, at most 100 ms old.</summary>
    public long PerSecond(long now)
    {
        var current = now / _slotLength;
        long sum = 0;
        for (var i = 0; i < Buckets; i++)
        {
            var age = current - _slots[i];
            if (age is > 0 and < Buckets)
            {
                sum += _counts[i];
            }
        }

        return sum;
    }

    /// <summary>Events in the current bucket and the ten before it: the last 1.0 to 1.1 seconds, up to now.</summary>
    public long Recent(long now)
    {
        var current = now / _slotLength;
        long sum = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (current - _slots[i] is >= 0 and < Buckets)
            {
                sum += _counts[i];
            }
        }

        return sum;
    }
}
