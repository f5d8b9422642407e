using System.Collections.Concurrent;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// Each number's route (<see cref="LaneRoute"/>: the business whose messaging limit it draws on, and its WABA) as its
/// lane told this silo, kept for <see cref="Kept"/> from the ask: admission needs it for every message, and asking the
/// lane each time put a call in the busiest grain's queue per message. One ask at a time per number; a failed ask
/// fails those waiting on it, and is not kept (the next caller asks again).
/// </summary>
/// <remarks>
/// A route changes only when an operator configures the number (<c>PUT /v1/phone-numbers/{id}</c>): the lane forgets it
/// on its own silo as it stores the change, and the front door on the silo that took the request, so a single silo uses
/// the new route from the next message on. Another silo of a cluster goes on with the route before for at most
/// <see cref="Kept"/> (docs/lanes.md), except where <see cref="GetFreshAsync"/> is used: a new campaign's WABA, a tier
/// change's business and an inbound message's keyword policy, whose results are kept long after. Written here rather than with <c>HybridCache</c> or <c>IMemoryCache</c>: one
/// small entry per number needs no eviction, and the parking path must see an ask on its way, or one that failed,
/// without waiting for it (<see cref="ForParkingAsync"/>), which neither exposes.
/// </remarks>
public sealed class LaneRoutes(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How long a route the lane told is used without asking again, from the ask.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromSeconds(5);

    /// <summary>How long after an ask failed the parking path goes on without a route rather than asking again.</summary>
    private static readonly TimeSpan ParkingRetry = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Asked> _routes = new(StringComparer.Ordinal);

    /// <summary>The route of <paramref name="phoneNumberId"/>: as kept, or as its lane tells it now (one ask at a time per number).</summary>
    public ValueTask<LaneRoute> GetAsync(string phoneNumberId)
    {
        ArgumentNullException.ThrowIfNull(phoneNumberId);
        var asked = AskOrJoin(phoneNumberId, holdAfterFailure: false);
        return asked.Route.IsCompletedSuccessfully ? ValueTask.FromResult(asked.Route.Result) : new ValueTask<LaneRoute>(asked.Route);
    }

    /// <summary>The route of <paramref name="phoneNumberId"/> as its lane tells it now, for what is stored from it; not kept.</summary>
    public ValueTask<LaneRoute> GetFreshAsync(string phoneNumberId)
    {
        ArgumentNullException.ThrowIfNull(phoneNumberId);
        return grains.Reference<IPhoneNumberGrain>(phoneNumberId).GetRouteAsync();
    }

    /// <summary>
    /// The route of <paramref name="phoneNumberId"/> for ranking a parked template, waiting on the lane no more than it
    /// must: the kept route; while a newer one is asked for, or within 5 s after an ask failed (without asking again),
    /// the route this silo had before; without one, null (rank it marketing) in those 5 s and while the ask is on its way
    /// past <paramref name="wait"/>, else the ask's answer within what is left of <paramref name="wait"/>. The failure of
    /// an ask it waits on is thrown, and so is the end of its wait (<see cref="TimeoutException"/>).
    /// </summary>
    internal async ValueTask<LaneRoute?> ForParkingAsync(string phoneNumberId, TimeSpan wait)
    {
        var asked = AskOrJoin(phoneNumberId, holdAfterFailure: true);
        if (asked.Route.IsCompletedSuccessfully)
        {
            return asked.Route.Result;
        }

        if (asked.Before is not null || asked.Route.IsFaulted)
        {
            return asked.Before;
        }

        var left = wait - time.GetElapsedTime(asked.At);
        return left <= TimeSpan.Zero ? null : await asked.Route.WaitAsync(left, time).ConfigureAwait(false);
    }

    /// <summary>Forgets the route of <paramref name="phoneNumberId"/>: its configuration changed, and the next message asks its lane.</summary>
    public void Forget(string phoneNumberId)
    {
        ArgumentNullException.ThrowIfNull(phoneNumberId);
        _routes.TryRemove(phoneNumberId, out _);
    }

    /// <summary>Whether an entry still serves: an answer younger than <see cref="Kept"/> from its ask, or an ask on its way.</summary>
    private bool Usable(Asked asked) => asked.Route.Status switch
    {
        TaskStatus.RanToCompletion => time.GetElapsedTime(asked.At) <= Kept,
        TaskStatus.Faulted or TaskStatus.Canceled => false,
        _ => true,
    };

    /// <summary>
    /// The entry that serves, or a new ask in place of the one seen. With <paramref name="holdAfterFailure"/>, an ask that
    /// failed within <see cref="ParkingRetry"/> is returned as it is (faulted) rather than asked again.
    /// </summary>
    private Asked AskOrJoin(string phoneNumberId, bool holdAfterFailure)
    {
        while (true)
        {
            // One read decides: the entry seen is the one replaced, so an ask placed meanwhile by another caller is joined, not replaced.
            if (_routes.TryGetValue(phoneNumberId, out var seen)
                && (Usable(seen) || (holdAfterFailure && seen.FailedAt is { } failedAt && time.GetElapsedTime(failedAt) <= ParkingRetry)))
            {
                return seen;
            }

            var asking = new TaskCompletionSource<LaneRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
            var before = seen is null ? null : seen.Route.IsCompletedSuccessfully ? seen.Route.Result : seen.Before;
            var asked = new Asked(asking.Task, time.GetTimestamp(), before);
            if (seen is null ? _routes.TryAdd(phoneNumberId, asked) : _routes.TryUpdate(phoneNumberId, asked, seen))
            {
                // Off the caller's grain context and without its execution context (its trace): the ask is shared, and
                // belongs to none of those who wait on it.
                ThreadPool.UnsafeQueueUserWorkItem(static ask => _ = ask.Routes.AskAsync(ask.PhoneNumberId, ask.Asked, ask.Asking), (Routes: this, PhoneNumberId: phoneNumberId, Asked: asked, Asking: asking), preferLocal: false);
                return asked;
            }

            // Another caller placed its ask (or forgot the route) between the read and the write: look again.
        }
    }

    private async Task AskAsync(string phoneNumberId, Asked asked, TaskCompletionSource<LaneRoute> asking)
    {
        try
        {
            asking.SetResult(await grains.Reference<IPhoneNumberGrain>(phoneNumberId).GetRouteAsync().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            // Not kept: the next caller asks again (an entry whose ask failed is replaced); parking waits ParkingRetry first.
            asked.FailedAt = time.GetTimestamp();
            asking.SetException(ex);
        }
    }

    /// <summary>
    /// An ask for a number's route, when it began (a <see cref="TimeProvider"/> timestamp), and the route this silo had
    /// before it (null for the first ask, and after <see cref="Forget"/>); compared by reference.
    /// </summary>
    private sealed class Asked(Task<LaneRoute> route, long at, LaneRoute? before)
    {
        public Task<LaneRoute> Route { get; } = route;

        public long At { get; } = at;

        public LaneRoute? Before { get; } = before;

        /// <summary>When the ask failed (a <see cref="TimeProvider"/> timestamp); null unless it did.</summary>
        public long? FailedAt
        {
            get => Volatile.Read(ref _failedAt) is var at && at != 0 ? at : null;
            set => Volatile.Write(ref _failedAt, value ?? 0);
        }

        private long _failedAt;
    }
}
