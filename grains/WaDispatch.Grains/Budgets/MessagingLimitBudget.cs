namespace WaDispatch.Grains.Budgets;

/// <summary>
/// One messaging-limit budget: the unique recipients that used it in the moving 24 h, each with the
/// instant it frees. A recipient counted in the last 24 h costs nothing again.
/// </summary>
/// <remarks>Not thread-safe: <see cref="BusinessGrain"/> uses it inside its turns.</remarks>
internal sealed class MessagingLimitBudget
{
    /// <summary>The moving window of the messaging limit.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private readonly Dictionary<string, DateTimeOffset> _countedAt = new(StringComparer.Ordinal);

    // Charges in time order. A recipient charged again after its window appears twice; the stale
    // occurrence is recognised by its time and skipped.
    private readonly Queue<(string WaId, DateTimeOffset At)> _order = new();

    /// <summary>Recipients counted within the window, after <see cref="Prune"/>.</summary>
    public int Used => _countedAt.Count;

    /// <summary>Restores a recipient counted at <paramref name="countedAt"/> (entries must come oldest first).</summary>
    public void Restore(string waId, DateTimeOffset countedAt) => Set(waId, countedAt);

    /// <summary>
    /// Records a business-initiated send to <paramref name="waId"/> at <paramref name="now"/>: a recipient
    /// already counted is counted again from now at no cost (its 24 h restart); a new one takes a place
    /// if one of <paramref name="capacity"/> is free.
    /// </summary>
    public BudgetCount Count(string waId, DateTimeOffset now, int capacity)
    {
        Prune(now);
        var known = _countedAt.ContainsKey(waId);
        if (!known && _countedAt.Count >= capacity)
        {
            return BudgetCount.Full;
        }

        Set(waId, now);
        return known ? BudgetCount.Refreshed : BudgetCount.Counted;
    }

    /// <summary>
    /// Records that <paramref name="waId"/> was reached at <paramref name="at"/>, whatever the capacity:
    /// the send went out, so Meta counts it from then. Returns whether the recipient was new.
    /// </summary>
    public bool Record(string waId, DateTimeOffset at)
    {
        var known = _countedAt.ContainsKey(waId);
        Set(waId, at);
        return !known;
    }

    /// <summary>When each counted place frees, earliest first.</summary>
    public List<DateTimeOffset> FreeTimes()
    {
        var times = new List<DateTimeOffset>(_countedAt.Count);
        foreach (var (waId, at) in _order)
        {
            if (_countedAt.TryGetValue(waId, out var current) && current == at)
            {
                times.Add(at + Window);
            }
        }

        return times;
    }

    private void Set(string waId, DateTimeOffset at)
    {
        if (_countedAt.TryGetValue(waId, out var current) && current >= at)
        {
            return;
        }

        _countedAt[waId] = at;
        _order.Enqueue((waId, at));
        if (_order.Count > (2 * _countedAt.Count) + 1024)
        {
            // Restarts of recipients left stale occurrences behind: keep only the live ones.
            var live = _countedAt.OrderBy(c => c.Value).ToList();
            _order.Clear();
            foreach (var (id, time) in live)
            {
                _order.Enqueue((id, time));
            }
        }
    }

    /// <summary>Forgets recipients whose 24 h have passed at <paramref name="now"/>.</summary>
    public void Prune(DateTimeOffset now)
    {
        var cutoff = now - Window;
        while (_order.TryPeek(out var oldest) && oldest.At <= cutoff)
        {
            _order.Dequeue();
            if (_countedAt.TryGetValue(oldest.WaId, out var current) && current == oldest.At)
            {
                _countedAt.Remove(oldest.WaId);
            }
        }
    }
}
