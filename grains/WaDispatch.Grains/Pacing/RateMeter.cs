namespace WaDispatch.Grains.Pacing;

/// <summary>
/// Counts events over the last second in ten 100 ms buckets: a cheap "current rate" for snapshots and
/// metrics, not a referee (the simulator counts exact sliding seconds).
/// </summary>
/// <remarks>Not thread-safe: owned by one grain and used in its turns.</remarks>
internal sealed class RateMeter
{
    private const int Buckets = 10;
    private readonly long[] _counts = new long[Buckets];
    private readonly long[] _slots = new long[Buckets];
    private readonly long _slotLength;

    public RateMeter(TimeProvider time) => _slotLength = time.TimestampFrequency / Buckets;

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

    /// <summary>Events in the second up to <paramref name="now"/>.</summary>
    public long PerSecond(long now)
    {
        var current = now / _slotLength;
        long sum = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (current - _slots[i] < Buckets)
            {
                sum += _counts[i];
            }
        }

        return sum;
    }
}
