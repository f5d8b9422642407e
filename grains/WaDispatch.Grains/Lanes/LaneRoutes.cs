using System.Collections.Concurrent;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// Each number's route (<see cref="LaneRoute"/>: the business whose messaging limit it draws on, and its WABA) as its
/// lane told this silo, kept for <see cref="Kept"/>: admission needs it for every message, and asking the lane each time
/// put a call in the busiest grain's queue per message. One ask at a time per number; a failed ask is not kept.
/// </summary>
/// <remarks>
/// A route changes only when an operator configures the number (<c>PUT /v1/phone-numbers/{id}</c>): the lane forgets it
/// on its own silo as it stores the change, and the front door on the silo that took the request, so a single silo uses
/// the new route from the next message on. Another silo of a cluster goes on with the route before for at most
/// <see cref="Kept"/> (docs/lanes.md). Written here rather than with <c>HybridCache</c> or <c>IMemoryCache</c>: one small
/// entry per number needs no eviction, and the parking path must see an ask still on its way without waiting for it
/// (<see cref="Pending"/>), which neither exposes.
/// </remarks>
public sealed class LaneRoutes(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How long a route the lane told is used without asking again.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Asked> _routes = new(StringComparer.Ordinal);

    /// <summary>The route of <paramref name="phoneNumberId"/>: as kept, or as its lane tells it now (one ask at a time per number).</summary>
    public ValueTask<LaneRoute> GetAsync(string phoneNumberId)
    {
        ArgumentNullException.ThrowIfNull(phoneNumberId);
        return Current(phoneNumberId) is { Route.IsCompletedSuccessfully: true } fresh
            ? ValueTask.FromResult(fresh.Route.Result)
            : new ValueTask<LaneRoute>(AskOrJoin(phoneNumberId).Route);
    }

    /// <summary>
    /// The ask for the route of <paramref name="phoneNumberId"/> (kept, on its way or new) and when it began (a
    /// <see cref="TimeProvider"/> timestamp), for a caller that decides for itself how long to wait for it.
    /// </summary>
    internal (Task<LaneRoute> Route, long AskedAt) Pending(string phoneNumberId)
    {
        var asked = AskOrJoin(phoneNumberId);
        return (asked.Route, asked.At);
    }

    /// <summary>Forgets the route of <paramref name="phoneNumberId"/>: its configuration changed, and the next message asks its lane.</summary>
    public void Forget(string phoneNumberId)
    {
        ArgumentNullException.ThrowIfNull(phoneNumberId);
        _routes.TryRemove(phoneNumberId, out _);
    }

    /// <summary>The entry for the number if it is still of use: an answer younger than <see cref="Kept"/>, or an ask on its way.</summary>
    private Asked? Current(string phoneNumberId) =>
        _routes.TryGetValue(phoneNumberId, out var asked) && asked.Route.Status switch
        {
            TaskStatus.RanToCompletion => time.GetElapsedTime(asked.At) <= Kept,
            TaskStatus.Faulted or TaskStatus.Canceled => false,
            _ => true,
        }
            ? asked
            : null;

    private Asked AskOrJoin(string phoneNumberId)
    {
        while (true)
        {
            if (Current(phoneNumberId) is { } current)
            {
                return current;
            }

            _routes.TryGetValue(phoneNumberId, out var stale);
            var asking = new TaskCompletionSource<LaneRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
            var asked = new Asked(asking.Task, time.GetTimestamp());
            var placed = stale is null ? _routes.TryAdd(phoneNumberId, asked) : _routes.TryUpdate(phoneNumberId, asked, stale);
            if (placed)
            {
                // Off the caller's grain context: the ask is shared, and must not be bound to whoever happened to start it.
                _ = Task.Run(() => AskAsync(phoneNumberId, asking));
                return asked;
            }

            // Another caller placed its ask (or forgot the route) between the read and the write: look again.
        }
    }

    private async Task AskAsync(string phoneNumberId, TaskCompletionSource<LaneRoute> asking)
    {
        try
        {
            asking.SetResult(await grains.GetGrain<IPhoneNumberGrain>(phoneNumberId).GetRouteAsync().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            // Not kept: the next caller asks again (an entry whose ask failed is replaced).
            asking.SetException(ex);
        }
    }

    /// <summary>An ask for a number's route and when it began (a <see cref="TimeProvider"/> timestamp); compared by reference.</summary>
    private sealed class Asked(Task<LaneRoute> route, long at)
    {
        public Task<LaneRoute> Route { get; } = route;

        public long At { get; } = at;
    }
}
