using WaDispatch.Simulator;

namespace WaDispatch.Simulator.State;

/// <summary>
/// Which WABAs the app is subscribed to, and where their webhooks go: Meta sends a WABA's webhooks only while the app
/// is subscribed. A WABA never subscribed or unsubscribed counts as subscribed when
/// <see cref="SimulatorOptions.SubscribedByDefault"/> is on (the zero-configuration run). Also counts management
/// calls per WABA in the last hour, for Meta's usage header, and answers scripted failures (e.g. 80007).
/// </summary>
public sealed class WebhookSubscriptions
{
    private readonly Dictionary<string, (bool Subscribed, Uri? Override)> _wabas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _calls = new(StringComparer.Ordinal);
    private readonly Queue<ScriptedFailure> _failures = new();
    private readonly Lock _lock = new();

    /// <summary>Whether <paramref name="wabaId"/>'s webhooks are sent, and to which callback (null: the app's).</summary>
    public (bool Subscribed, Uri? Override) Of(string wabaId, bool subscribedByDefault)
    {
        lock (_lock)
        {
            return _wabas.TryGetValue(wabaId, out var state) ? state : (subscribedByDefault, null);
        }
    }

    /// <summary>Subscribes or unsubscribes the app.</summary>
    public void Set(string wabaId, bool subscribed, Uri? callback)
    {
        lock (_lock)
        {
            _wabas[wabaId] = (subscribed, subscribed ? callback : null);
        }
    }

    /// <summary>Counts one management call on <paramref name="wabaId"/> at <paramref name="now"/>; answers the calls in the last hour.</summary>
    public int Count(string wabaId, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_calls.TryGetValue(wabaId, out var calls))
            {
                _calls[wabaId] = calls = new Queue<DateTimeOffset>();
            }

            while (calls.TryPeek(out var oldest) && now - oldest >= TimeSpan.FromHours(1))
            {
                calls.Dequeue();
            }

            calls.Enqueue(now);
            return calls.Count;
        }
    }

    /// <summary>The management calls on <paramref name="wabaId"/> in the hour before <paramref name="now"/> (counts none).</summary>
    public int CallsInLastHour(string wabaId, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _calls.TryGetValue(wabaId, out var calls) ? calls.Count(c => now - c < TimeSpan.FromHours(1)) : 0;
        }
    }

    /// <summary>The next management calls fail with <paramref name="failure"/>, <paramref name="count"/> times.</summary>
    public void Script(ScriptedFailure failure, int count)
    {
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue(failure);
            }
        }
    }

    /// <summary>The next scripted failure, if any.</summary>
    public ScriptedFailure? NextFailure()
    {
        lock (_lock)
        {
            return _failures.TryDequeue(out var failure) ? failure : null;
        }
    }
}
