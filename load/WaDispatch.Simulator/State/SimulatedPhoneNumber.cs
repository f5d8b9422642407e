using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Simulator.State;

/// <summary>
/// One business phone number as Meta would see it: its throughput as a strict sliding one-second
/// window over accepted outbound and inbound messages, its users (window, pair rate, opt-out), its
/// scripted failures, statistics and ledger. All state changes under one lock.
/// </summary>
internal sealed class SimulatedPhoneNumber
{
    private const int StatsSeconds = 120;

    private readonly Lock _lock = new();
    private readonly Queue<long> _window = new();
    private readonly Dictionary<string, SimulatedUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _perSecond = [];
    private readonly Dictionary<int, long> _rejected = [];
    private readonly Queue<ScriptedFailure> _scripted = new();
    private readonly List<LedgerEntry> _ledger = [];
    private int _messagesPerSecond;
    private long _accepted;
    private long _inbound;
    private int _maxInSlidingSecond;

    public SimulatedPhoneNumber(string id, int messagesPerSecond)
    {
        Id = id;
        _messagesPerSecond = messagesPerSecond;
    }

    public string Id { get; }

    /// <summary>Whether its messages get status webhooks.</summary>
    public bool StatusWebhooks { get; set; } = true;

    public void SetMessagesPerSecond(int messagesPerSecond)
    {
        lock (_lock)
        {
            _messagesPerSecond = messagesPerSecond;
        }
    }

    public void Script(ScriptedFailure failure, int count)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _scripted.Enqueue(failure);
            }
        }
    }

    /// <summary>Decides one send at <paramref name="now"/> (timestamp ticks, <paramref name="second"/> ticks a second).</summary>
    public SendVerdict TrySend(SendAttempt attempt, long now, long second, DateTimeOffset utcNow, PairRate pairRate, TimeSpan serviceWindow)
    {
        lock (_lock)
        {
            if (_scripted.TryDequeue(out var scripted))
            {
                Reject(scripted.Code);
                return new SendVerdict(null, scripted, false);
            }

            var user = User(attempt.WaId);
            if (!attempt.IsTemplate && !(user.LastInbound is { } inbound && utcNow - inbound < serviceWindow))
            {
                return Reject(ErrorCodes.ReEngagementMessage);
            }

            Trim(now, second);
            if (_window.Count >= _messagesPerSecond)
            {
                return Reject(ErrorCodes.RateLimitHit);
            }

            if (!pairRate.TryTake(ref user.TheoreticalArrival, now))
            {
                return Reject(ErrorCodes.PairRateLimitHit);
            }

            Count(now);
            _accepted++;
            var unixSecond = utcNow.ToUnixTimeSeconds();
            if (!_perSecond.TryAdd(unixSecond, 1))
            {
                _perSecond[unixSecond]++;
            }
            else if (_perSecond.Count > StatsSeconds)
            {
                foreach (var old in _perSecond.Keys.Where(s => s <= unixSecond - StatsSeconds).ToList())
                {
                    _perSecond.Remove(old);
                }
            }
            _ledger.Add(attempt.ToLedgerEntry(Id, utcNow));
            return new SendVerdict(null, null, user.MarketingStopped);
        }
    }

    /// <summary>A user messaged this number: opens their window and counts against throughput.</summary>
    public void Inbound(string waId, long now, long second, DateTimeOffset sentAt)
    {
        lock (_lock)
        {
            Trim(now, second);
            Count(now);
            _inbound++;
            var user = User(waId);
            if (user.LastInbound is null || sentAt > user.LastInbound)
            {
                user.LastInbound = sentAt;
            }
        }
    }

    public void SetMarketingStopped(string waId, bool stopped)
    {
        lock (_lock)
        {
            User(waId).MarketingStopped = stopped;
        }
    }

    public PhoneNumberStats Stats(DateTimeOffset utcNow)
    {
        lock (_lock)
        {
            var now = utcNow.ToUnixTimeSeconds();
            var perSecond = new List<SecondCount>();
            for (var s = now - 60; s <= now; s++)
            {
                perSecond.Add(new SecondCount(s, _perSecond.GetValueOrDefault(s)));
            }

            return new PhoneNumberStats(
                Id,
                _messagesPerSecond,
                _accepted,
                _inbound,
                _rejected.Values.Sum(),
                _rejected.ToDictionary(r => r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), r => r.Value),
                _maxInSlidingSecond,
                perSecond);
        }
    }

    public IReadOnlyList<LedgerEntry> Ledger()
    {
        lock (_lock)
        {
            return [.. _ledger];
        }
    }

    private SendVerdict Reject(int code)
    {
        _rejected[code] = _rejected.GetValueOrDefault(code) + 1;
        return new SendVerdict(code, null, false);
    }

    private void Trim(long now, long second)
    {
        // The window is (now - 1 s, now]: a message exactly one second old no longer counts.
        while (_window.TryPeek(out var oldest) && now - oldest >= second)
        {
            _window.Dequeue();
        }
    }

    private void Count(long now)
    {
        _window.Enqueue(now);
        _maxInSlidingSecond = Math.Max(_maxInSlidingSecond, _window.Count);
    }

    private SimulatedUser User(string waId)
    {
        if (!_users.TryGetValue(waId, out var user))
        {
            user = new SimulatedUser();
            _users[waId] = user;
        }

        return user;
    }
}
