namespace WaDispatch.Load;

/// <summary>
/// A high-dynamic-range histogram of latencies in the spirit of HdrHistogram: log-linear buckets (64 per
/// power of two, so about 1.5 % precision) from 1 µs to about 1 hour, constant memory, thread-safe recording.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int Powers = 32;
    private readonly long[] _counts = new long[SubBuckets * Powers];
    private long _count;
    private long _maxMicros;

    /// <summary>Values recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records one latency.</summary>
    public void Record(TimeSpan latency)
    {
        var micros = Math.Max(1, (long)latency.TotalMicroseconds);
        Interlocked.Increment(ref _counts[Index(micros)]);
        Interlocked.Increment(ref _count);
        AtomicMax.Raise(ref _maxMicros, micros);
    }

    /// <summary>The latency at <paramref name="percentile"/> (0–100): the upper edge of its bucket.</summary>
    public TimeSpan Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(percentile / 100 * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= Math.Max(1, rank))
            {
                return TimeSpan.FromMicroseconds(Math.Min(UpperEdge(i), Interlocked.Read(ref _maxMicros)));
            }
        }

        return Max;
    }

    /// <summary>p50, p90, p99, p99.9 and the maximum, labelled.</summary>
    public IReadOnlyList<(string Label, TimeSpan Value)> Summary() =>
        [("p50", Percentile(50)), ("p90", Percentile(90)), ("p99", Percentile(99)), ("p99.9", Percentile(99.9)), ("max", Max)];

    /// <summary>The largest latency recorded.</summary>
    public TimeSpan Max => TimeSpan.FromMicroseconds(Interlocked.Read(ref _maxMicros));

    private static int Index(long micros)
    {
        if (micros < SubBuckets)
        {
            return (int)micros;
        }

        var power = 63 - (int)long.LeadingZeroCount(micros) - 5; // micros / 2^power lands in [32, 64)
        var sub = (int)(micros >> power);
        return Math.Min((power * (SubBuckets / 2)) + sub, (SubBuckets * Powers) - 1);
    }

    private static long UpperEdge(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var power = (index - (SubBuckets / 2)) / (SubBuckets / 2);
        var sub = index - (power * (SubBuckets / 2));
        return ((long)(sub + 1) << power) - 1;
    }
}
