using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace WaDispatch.Silo.Operations;

/// <summary>
/// <c>GET /metrics</c> in Prometheus' text exposition format (version 0.0.4), from the
/// <see cref="System.Diagnostics.Metrics"/> instruments of every <c>WaDispatch.*</c> meter, Orleans' <c>Microsoft.Orleans</c> meter
/// (activations, requests, storage latency, as <c>orleans_*</c>) and the runtime's <c>System.Runtime</c> meter. No exporter
/// package is available, so this is the small writer: counters become <c>_total</c>, seconds get
/// <c>_seconds</c>, histograms fixed buckets with <c>_sum</c> and <c>_count</c>, gauges and up-down
/// counters gauges. Instruments of the same name are summed per label set.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    /// <summary>The exposition format's content type.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] SecondBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly double[] CountBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly Lock _collecting = new();

    /// <summary>Listens to the WaDispatch and Orleans meters of <paramref name="meters"/> (this host's) and to process-wide ones.</summary>
    public PrometheusExporter(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Another host in the same process (tests, an embedded host beside a silo) has meters of the same names: not ours.
            // The runtime's own meter adds GC, thread-pool and memory series.
            var ours = (instrument.Meter.Name.StartsWith("WaDispatch", StringComparison.Ordinal) || instrument.Meter.Name == "Microsoft.Orleans")
                && (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, meters));
            if (ours || instrument.Meter.Name == "System.Runtime")
            {
                var series = _series.GetOrAdd(instrument, static i => new Series(i));
                listener.EnableMeasurementEvents(instrument, series);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _series.TryRemove(instrument, out Series? _);
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every metric now, in the exposition format.</summary>
    public string Write()
    {
        lock (_collecting)
        {
            foreach (var series in _series.Values.Where(s => s.Observable))
            {
                series.Clear();
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var family in _series.Values.GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var first = family.First();
                text.Append("# HELP ").Append(first.Name).Append(' ').Append(Escape(first.Help, label: false)).Append('\n');
                text.Append("# TYPE ").Append(first.Name).Append(' ').Append(first.Type).Append('\n');
                if (first.Type == "histogram")
                {
                    WriteHistograms(text, first.Name, family);
                }
                else
                {
                    foreach (var (labels, value) in family.SelectMany(s => s.Values()).GroupBy(v => v.Labels).Select(g => (g.Key, g.Sum(v => v.Value))).OrderBy(v => v.Key, StringComparer.Ordinal))
                    {
                        text.Append(first.Name).Append(labels).Append(' ').Append(Number(value)).Append('\n');
                    }
                }
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private static void WriteHistograms(StringBuilder text, string name, IEnumerable<Series> family)
    {
        foreach (var group in family.SelectMany(s => s.Histograms()).GroupBy(h => h.Labels).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var bounds = group.First().Bounds;
            var counts = new long[bounds.Length];
            double sum = 0;
            long count = 0;
            foreach (var histogram in group)
            {
                for (var i = 0; i < bounds.Length; i++)
                {
                    counts[i] += histogram.Cumulative[i];
                }

                sum += histogram.Sum;
                count += histogram.Count;
            }

            var inner = group.Key.Length > 2 ? group.Key[1..^1] + "," : string.Empty;
            for (var i = 0; i < bounds.Length; i++)
            {
                text.Append(name).Append("_bucket{").Append(inner).Append("le=\"").Append(Number(bounds[i])).Append("\"} ").Append(counts[i]).Append('\n');
            }

            text.Append(name).Append("_bucket{").Append(inner).Append("le=\"+Inf\"} ").Append(count).Append('\n');
            text.Append(name).Append("_sum").Append(group.Key).Append(' ').Append(Number(sum)).Append('\n');
            text.Append(name).Append("_count").Append(group.Key).Append(' ').Append(count).Append('\n');
        }
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string? value, bool label)
    {
        var escaped = (value ?? string.Empty).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return label ? escaped.Replace("\"", "\\\"", StringComparison.Ordinal) : escaped;
    }

    /// <summary>A metric name as Prometheus allows it.</summary>
    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    /// <summary>
    /// The values of one instrument by label set. A measurement finds its label set by its tags, without building
    /// the label text, which is made once per distinct tag set (this runs on every measurement, on the send path).
    /// </summary>
    private sealed class Series
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<KeyValuePair<string, object?>[], Entry> _byTags = new(TagsComparer.Instance);
        private readonly Dictionary<string, Entry> _byLabels = new(StringComparer.Ordinal);
        private readonly Dictionary<KeyValuePair<string, object?>[], Entry>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _byTagSpan;
        private readonly bool _sum;
        private readonly double[]? _bounds;

        public Series(Instrument instrument)
        {
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            _byTagSpan = _byTags.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
            Observable = instrument.IsObservable;
            var seconds = instrument.Unit == "s";
            var baseName = Sanitize(instrument.Name) + (seconds ? "_seconds" : string.Empty);
            Help = instrument.Description ?? instrument.Name;
            if (generic == typeof(Histogram<>))
            {
                Type = "histogram";
                Name = baseName;
                _bounds = seconds ? SecondBuckets : CountBuckets;
            }
            else if (generic == typeof(Counter<>) || generic == typeof(ObservableCounter<>))
            {
                Type = "counter";
                Name = baseName + "_total";
                _sum = generic == typeof(Counter<>);
            }
            else
            {
                Type = "gauge";
                Name = baseName;
                _sum = generic == typeof(UpDownCounter<>);
            }
        }

        public string Name { get; }

        public string Type { get; }

        public string Help { get; }

        public bool Observable { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_lock)
            {
                if (!_byTagSpan.TryGetValue(tags, out var entry))
                {
                    var labels = Labels(tags);
                    if (!_byLabels.TryGetValue(labels, out entry))
                    {
                        _byLabels[labels] = entry = new Entry(labels, _bounds is null ? null : new Histogram(labels, _bounds));
                    }

                    _byTags[tags.ToArray()] = entry;
                }

                if (entry.Histogram is { } histogram)
                {
                    histogram.Add(value);
                }
                else
                {
                    entry.Value = _sum ? entry.Value + value : value;
                }
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                _byTags.Clear();
                _byLabels.Clear();
            }
        }

        public List<(string Labels, double Value)> Values()
        {
            lock (_lock)
            {
                return [.. _byLabels.Values.Where(e => e.Histogram is null).Select(e => (e.Labels, e.Value))];
            }
        }

        public List<Histogram> Histograms()
        {
            lock (_lock)
            {
                return [.. _byLabels.Values.Where(e => e.Histogram is not null).Select(e => e.Histogram!.Copy())];
            }
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return string.Empty;
            }

            var pairs = new List<KeyValuePair<string, object?>>(tags.Length);
            foreach (var tag in tags)
            {
                pairs.Add(tag);
            }

            return "{" + string.Join(",", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Sanitize(p.Key)}=\"{Escape(Convert.ToString(p.Value, CultureInfo.InvariantCulture), label: true)}\"")) + "}";
        }

        /// <summary>One label set's value or histogram.</summary>
        private sealed class Entry(string labels, Histogram? histogram)
        {
            public string Labels { get; } = labels;

            public Histogram? Histogram { get; } = histogram;

            public double Value { get; set; }
        }
    }

    /// <summary>Tag sets equal when they hold the same tags in the same order (one call site's order; another order only makes a second entry for the same labels).</summary>
    private sealed class TagsComparer :
        IEqualityComparer<KeyValuePair<string, object?>[]>,
        IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, KeyValuePair<string, object?>[]>
    {
        public static readonly TagsComparer Instance = new();

        public bool Equals(KeyValuePair<string, object?>[]? x, KeyValuePair<string, object?>[]? y) => Equals((ReadOnlySpan<KeyValuePair<string, object?>>)x, y!);

        public int GetHashCode(KeyValuePair<string, object?>[] obj) => GetHashCode((ReadOnlySpan<KeyValuePair<string, object?>>)obj);

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, KeyValuePair<string, object?>[] other)
        {
            if (alternate.Length != other.Length)
            {
                return false;
            }

            for (var i = 0; i < alternate.Length; i++)
            {
                if (!string.Equals(alternate[i].Key, other[i].Key, StringComparison.Ordinal) || !object.Equals(alternate[i].Value, other[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
        {
            var hash = new HashCode();
            foreach (var tag in alternate)
            {
                hash.Add(tag.Key, StringComparer.Ordinal);
                hash.Add(tag.Value);
            }

            return hash.ToHashCode();
        }

        public KeyValuePair<string, object?>[] Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => alternate.ToArray();
    }

    /// <summary>Cumulative bucket counts of one label set.</summary>
    private sealed class Histogram(string labels, double[] bounds)
    {
        public string Labels { get; } = labels;

        public double[] Bounds { get; } = bounds;

        public long[] Cumulative { get; private init; } = new long[bounds.Length];

        public double Sum { get; private set; }

        public long Count { get; private set; }

        public void Add(double value)
        {
            for (var i = 0; i < Bounds.Length; i++)
            {
                if (value <= Bounds[i])
                {
                    Cumulative[i]++;
                }
            }

            Sum += value;
            Count++;
        }

        public Histogram Copy() => new(Labels, Bounds) { Cumulative = (long[])Cumulative.Clone(), Sum = Sum, Count = Count };
    }
}
