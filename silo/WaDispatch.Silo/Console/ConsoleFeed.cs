using System.Diagnostics.Metrics;
using WaDispatch.Grains;

namespace WaDispatch.Silo.Console;

/// <summary>
/// What the live console shows, sampled once a second from the same instruments <c>/metrics</c> exports (no call on the
/// send path is added): per phone number its tier, pace, queue, in-flight sends, state and the sends Meta accepted each
/// second of the last five minutes; Meta's refusals of the last five minutes by error code; the webhook lag of the last
/// minute. It covers the lanes living on this silo.
/// </summary>
internal sealed class ConsoleFeed : IHostedService, IDisposable
{
    /// <summary>Seconds of history kept.</summary>
    public const int HistorySeconds = 300;

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _meters;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, NumberSeries> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long[]> _refusals = [];
    private readonly Queue<(long Second, double Lag)> _lags = new();
    private ITimer? _timer;
    private long _second;

    /// <summary>Creates the feed over this host's meters.</summary>
    public ConsoleFeed(IMeterFactory meters, TimeProvider time)
    {
        _meters = meters;
        _time = time;
        _second = Now();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DispatchMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _meters)
                && instrument.Name is "wadispatch.lane.upstream.answers" or "wadispatch.webhooks.lag" or "wadispatch.lane.queued" or "wadispatch.lane.in_flight"
                    or "wadispatch.lane.paced_rate" or "wadispatch.lane.state" or "wadispatch.lane.tier")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        _timer = _time.CreateTimer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer?.Dispose();
        _listener.Dispose();
    }

    /// <summary>The numbers matching <paramref name="search"/> (an id prefix), busiest first, and how many matched.</summary>
    public (IReadOnlyList<NumberView> Page, int Total) Numbers(string? search, int page, int pageSize)
    {
        lock (_lock)
        {
            Roll();
            // A lane that left memory (idle, deactivated) stops being observed; it stays while it sent in the history.
            var matching = _numbers.Where(n => n.Value.LastSeen >= _second - 5 || n.Value.SentInHistory)
                .Where(n => string.IsNullOrEmpty(search) || n.Key.Contains(search, StringComparison.Ordinal))
                .OrderByDescending(n => n.Value.Queued).ThenByDescending(n => n.Value.Sent(_second - 1)).ThenBy(n => n.Key, StringComparer.Ordinal)
                .ToList();
            var views = matching.Skip(page * pageSize).Take(pageSize).Select(n => n.Value.View(n.Key, _second)).ToList();
            return (views, matching.Count);
        }
    }

    /// <summary>Meta's refusals of the last <paramref name="seconds"/> by error code, most first.</summary>
    public IReadOnlyList<RefusalView> Refusals(int seconds)
    {
        lock (_lock)
        {
            Roll();
            return [.. _refusals.Select(r => new RefusalView(r.Key, Sum(r.Value, _second - seconds, _second))).Where(r => r.Count > 0).OrderByDescending(r => r.Count)];
        }
    }

    /// <summary>The webhook lag over the last minute: deliveries, mean and worst, in seconds.</summary>
    public LagView WebhookLag()
    {
        lock (_lock)
        {
            Roll();
            var lags = _lags.Select(l => l.Lag).ToList();
            return new LagView(lags.Count, lags.Count == 0 ? 0 : lags.Average(), lags.Count == 0 ? 0 : lags.Max());
        }
    }

    private void Tick()
    {
        // Gauges are observed once a second, with the lanes' own last publications.
        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            Roll();
        }
    }

    private void Record(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? number = null;
        string? state = null;
        var code = 0;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "phone_number_id":
                    number = tag.Value as string;
                    break;
                case "state":
                    state = tag.Value as string;
                    break;
                case "code":
                    code = tag.Value is int c ? c : 0;
                    break;
            }
        }

        lock (_lock)
        {
            Roll();
            if (instrument == "wadispatch.webhooks.lag")
            {
                _lags.Enqueue((_second, value));
                return;
            }

            if (number is null)
            {
                return;
            }

            if (!_numbers.TryGetValue(number, out var series))
            {
                _numbers[number] = series = new NumberSeries();
            }

            if (instrument != "wadispatch.lane.upstream.answers")
            {
                series.LastSeen = _second;
            }

            switch (instrument)
            {
                case "wadispatch.lane.upstream.answers" when code == 0:
                    series.Add(_second, (long)value);
                    break;
                case "wadispatch.lane.upstream.answers":
                    if (!_refusals.TryGetValue(code, out var counts))
                    {
                        _refusals[code] = counts = new long[HistorySeconds];
                    }

                    counts[_second % HistorySeconds] += (long)value;
                    break;
                case "wadispatch.lane.queued":
                    series.Queued = (long)value;
                    break;
                case "wadispatch.lane.in_flight":
                    series.InFlight = (long)value;
                    break;
                case "wadispatch.lane.paced_rate":
                    series.PacedMps = value;
                    break;
                case "wadispatch.lane.tier":
                    series.TierMps = (int)value;
                    break;
                case "wadispatch.lane.state":
                    series.State = state ?? series.State;
                    break;
            }
        }
    }

    /// <summary>Moves the clock on to this second, clearing the slots of the seconds that passed (under the lock).</summary>
    private void Roll()
    {
        var now = Now();
        for (var second = _second + 1; second <= now && second <= _second + HistorySeconds; second++)
        {
            foreach (var series in _numbers.Values)
            {
                series.Clear(second);
            }

            foreach (var counts in _refusals.Values)
            {
                counts[second % HistorySeconds] = 0;
            }
        }

        _second = Math.Max(_second, now);
        while (_lags.TryPeek(out var oldest) && oldest.Second <= _second - 60)
        {
            _lags.Dequeue();
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

    private static long Sum(long[] ring, long fromExclusive, long toInclusive)
    {
        long sum = 0;
        for (var second = Math.Max(fromExclusive + 1, toInclusive - HistorySeconds + 1); second <= toInclusive; second++)
        {
            sum += ring[second % HistorySeconds];
        }

        return sum;
    }

    /// <summary>One number's gauges and its accepted sends per second (a ring of <see cref="HistorySeconds"/>).</summary>
    private sealed class NumberSeries
    {
        private readonly long[] _sent = new long[HistorySeconds];

        public long Queued { get; set; }

        public long InFlight { get; set; }

        public double PacedMps { get; set; }

        public int TierMps { get; set; }

        public string State { get; set; } = "running";

        public long LastSeen { get; set; }

        /// <summary>Whether it sent anything in the seconds the ring still holds (the last <see cref="HistorySeconds"/>).</summary>
        public bool SentInHistory => _sent.Any(s => s > 0);

        public void Add(long second, long count) => _sent[second % HistorySeconds] += count;

        public void Clear(long second) => _sent[second % HistorySeconds] = 0;

        public long Sent(long second) => _sent[second % HistorySeconds];

        /// <summary>The view at <paramref name="now"/>: the last whole second's rate, the last minute's, and 5-second averages over five minutes.</summary>
        public NumberView View(string id, long now)
        {
            var history = new double[HistorySeconds / 5];
            for (var i = 0; i < history.Length; i++)
            {
                long sum = 0;
                for (var s = 0; s < 5; s++)
                {
                    sum += Sent(now - HistorySeconds + (i * 5) + s);
                }

                history[i] = sum / 5.0;
            }

            return new NumberView(id, TierMps, Sent(now - 1), Sum(_sent, now - 61, now - 1) / 60.0, PacedMps, Queued, InFlight, State, null, history);
        }
    }
}

/// <summary>A phone number as the console shows it.</summary>
/// <param name="PhoneNumberId">The number.</param>
/// <param name="TierMps">Its throughput tier.</param>
/// <param name="RateMps">Sends Meta accepted in the last whole second.</param>
/// <param name="MinuteRateMps">The same, averaged over the last minute.</param>
/// <param name="PacedMps">The pace the lane keeps now.</param>
/// <param name="Queued">Sends waiting.</param>
/// <param name="InFlight">Sends upstream.</param>
/// <param name="State">running, paused or stopped.</param>
/// <param name="Reason">Why it is paused or stopped.</param>
/// <param name="History">Accepted sends per second, 5-second averages over the last five minutes, oldest first.</param>
internal sealed record NumberView(string PhoneNumberId, int TierMps, long RateMps, double MinuteRateMps, double PacedMps, long Queued, long InFlight, string State, string? Reason, double[] History);

/// <summary>Meta's refusals with one error code.</summary>
/// <param name="Code">The Cloud API error code.</param>
/// <param name="Count">How many.</param>
internal sealed record RefusalView(int Code, long Count);

/// <summary>The webhook lag over the last minute.</summary>
/// <param name="Deliveries">Deliveries processed.</param>
/// <param name="MeanSeconds">Their mean lag.</param>
/// <param name="MaxSeconds">The worst.</param>
internal sealed record LagView(int Deliveries, double MeanSeconds, double MaxSeconds);
