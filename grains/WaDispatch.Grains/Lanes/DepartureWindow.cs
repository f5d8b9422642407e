namespace WaDispatch.Grains.Lanes;

/// <summary>
/// A lane's departures over the latest second: a send leaves only while fewer than the cap left in the second
/// before it. The pacer spaces permits; this keeps the spacing when the process stalls between permit and departure.
/// </summary>
internal sealed class DepartureWindow(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Queue<long> _departures = new();

    /// <summary>Records a departure now and returns zero, or returns how long to wait before asking again (the second is full).</summary>
    public TimeSpan Reserve(int cap)
    {
        var now = time.GetTimestamp();
        var second = time.TimestampFrequency;
        lock (_lock)
        {
            while (_departures.TryPeek(out var oldest) && now - oldest >= second)
            {
                _departures.Dequeue();
            }

            // The cap can fall (a lower tier): the excess ages out first.
            if (_departures.Count < cap)
            {
                _departures.Enqueue(now);
                return TimeSpan.Zero;
            }

            var skip = _departures.Count - cap;
            var freesAt = _departures.ElementAt(skip) + second;
            return TimeSpan.FromSeconds(Math.Max(1, freesAt - now) / (double)second);
        }
    }
}
