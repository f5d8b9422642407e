using HdrHistogram;

namespace WaDispatch.Load;

/// <summary>
/// Latencies in microseconds on HdrHistogram's <see cref="LongConcurrentHistogram"/> (thread-safe recording, three
/// significant digits, 1 µs to one hour; longer ones count as one hour), summarised as the reports print them.
/// </summary>
internal sealed class LatencyHistogram
{
    private static readonly long Highest = (long)TimeSpan.FromHours(1).TotalMicroseconds;
    private readonly LongConcurrentHistogram _micros = new(1, Highest, 3);

    /// <summary>Values recorded.</summary>
    public long Count => _micros.TotalCount;

    /// <summary>Records one latency.</summary>
    public void Record(TimeSpan latency) => _micros.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, Highest));

    /// <summary>The latency at <paramref name="percentile"/> (0–100).</summary>
    public TimeSpan Percentile(double percentile) =>
        Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(_micros.GetValueAtPercentile(percentile));

    /// <summary>p50, p90, p99, p99.9 and the maximum, labelled.</summary>
    public IReadOnlyList<(string Label, TimeSpan Value)> Summary() =>
        [("p50", Percentile(50)), ("p90", Percentile(90)), ("p99", Percentile(99)), ("p99.9", Percentile(99.9)), ("max", Max)];

    /// <summary>The largest latency recorded.</summary>
    public TimeSpan Max => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(_micros.GetMaxValue());
}
