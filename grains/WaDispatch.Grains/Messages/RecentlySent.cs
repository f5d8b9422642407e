namespace WaDispatch.Grains.Messages;

/// <summary>
/// Meta's ids of the messages this silo recorded as sent most recently: the <c>sent</c> status webhook Meta posts
/// for each of them can change nothing the ledger holds (the message is at <c>sent</c> or beyond, and its history has
/// its <c>sent</c> already, written in the same commit), so it is answered without a write. At most two generations
/// of <see cref="GenerationSize"/> ids: a bounded memory (a few MB), and a retention that depends on the rate (at
/// 3,000 messages a second, 3–5 s; at 100, minutes), which covers Meta's <c>sent</c>, posted within seconds of its
/// answer, at the rates of most lanes; when webhooks lag further behind a burst, most of them come after their id has
/// aged out. An id that has aged out, or that another silo of a cluster recorded, goes the ledger's way, as before.
/// </summary>
/// <remarks>
/// <para>
/// One case is not the same: a database that loses a commit it acknowledged while the silo runs on (a failover to an
/// asynchronous standby, a restore). There the skipped <c>sent</c> would have reconciled the message by its callback
/// data; now it stays <c>sending</c> until its <c>delivered</c> reconciles it, or its lane's next take-up records its
/// outcome as unknown. Nothing is sent twice either way.
/// </para>
/// <para>
/// Written rather than taken from a cache library: what is needed is a set with a bound and no per-entry expiry, and
/// two swapped <see cref="HashSet{T}"/>s are that in a few lines, with nothing to evict one by one.
/// </para>
/// </remarks>
internal sealed class RecentlySent
{
    /// <summary>Ids per generation.</summary>
    internal const int GenerationSize = 8_192;

    private readonly Lock _lock = new();
    private HashSet<string> _current = new(GenerationSize, StringComparer.Ordinal);
    private HashSet<string> _previous = new(GenerationSize, StringComparer.Ordinal);

    /// <summary>Remembers that the message Meta calls <paramref name="wamid"/> is recorded as sent.</summary>
    public void Add(string wamid)
    {
        lock (_lock)
        {
            if (_current.Count >= GenerationSize)
            {
                (_previous, _current) = (_current, _previous);
                _current.Clear();
            }

            _current.Add(wamid);
        }
    }

    /// <summary>Whether the message Meta calls <paramref name="wamid"/> was recorded as sent by this silo lately.</summary>
    public bool Contains(string wamid)
    {
        lock (_lock)
        {
            return _current.Contains(wamid) || _previous.Contains(wamid);
        }
    }
}
