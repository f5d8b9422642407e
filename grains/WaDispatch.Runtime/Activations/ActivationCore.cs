using System.Diagnostics;
using WaDispatch.Runtime.Diagnostics;
using WaDispatch.Runtime.Timers;

namespace WaDispatch.Runtime.Activations;

/// <summary>
/// One activation of one grain identity: its queue, its turn discipline and its life cycle.
/// </summary>
/// <remarks>
/// All fields below <see cref="_lock"/> change only under it, and no await or callback runs under it.
/// <see cref="_running"/> is the turn token: whoever sets it owns the grain until it clears it — an
/// idle caller running its call inline, the pump draining the queue, activation or deactivation.
/// Invariant: a valid activation that is not running has an empty queue.
/// </remarks>
internal abstract class ActivationCore : IThreadPoolWorkItem
{
    // Turns the pump runs before yielding its thread to other activations.
    private const int TurnBudget = 64;

    private readonly Lock _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private ActivationState _state = ActivationState.Created;
    private bool _running;
    private int _interleaved;
    private long _lastActive;
    private long _calls;
    private DeactivationReason? _pendingDeactivation;
    private bool _stateConflict;
    private TaskCompletionSource? _interleavedDrained;
    private TaskCompletionSource? _deactivated;
    private List<GrainTimer>? _timers;
    private Grain? _grain;

    protected ActivationCore(GrainDirectory directory, string key)
    {
        Directory = directory;
        Key = key;
        _lastActive = directory.Runtime.CoarseTimestamp;
    }

    public GrainDirectory Directory { get; }

    public string Key { get; }

    /// <summary>Calls admitted so far, for the calls metric.</summary>
    public long CallCount => Volatile.Read(ref _calls);

    private GrainRuntimeMetrics Metrics => Directory.Runtime.Metrics;

    /// <summary>Admits a call: run it inline when the activation is idle, otherwise queue it.</summary>
    public Admission Admit<TGrain, TArg, TResult>(
        bool interleave,
        Func<TGrain, TArg, ValueTask<TResult>> method,
        TArg arg,
        ref CallWorkItem<TGrain, TArg, TResult>? item)
        where TGrain : class
    {
        bool schedule;
        int depth;
        lock (_lock)
        {
            if (Directory.Runtime.IsStopping)
            {
                return Admission.Stopped;
            }

            if (_state == ActivationState.Invalid)
            {
                return Admission.Retry;
            }

            if (_state == ActivationState.Valid)
            {
                if (interleave)
                {
                    _calls++;
                    _interleaved++;
                    return Admission.Interleaved;
                }

                if (!_running)
                {
                    Debug.Assert(_queue.Count == 0, "A valid activation that is not running has an empty queue.");
                    _calls++;
                    _running = true;
                    return Admission.Inline;
                }
            }

            if (_queue.Count >= Directory.QueueLimit)
            {
                return Admission.Overloaded;
            }

            _calls++;
            item ??= CallWorkItem<TGrain, TArg, TResult>.Rent(method, arg);
            schedule = EnqueueLocked(item);
            depth = _queue.Count;
        }

        Metrics.RecordQueueDepth(depth, Directory.TypeTag);
        ScheduleIf(schedule);
        return Admission.Queued;
    }

    /// <summary>
    /// Queues an item that moved here from a previous activation of the same identity. Accepted while the
    /// runtime stops too: the call was accepted before, and shutdown serves what was queued.
    /// </summary>
    public Admission Enqueue(WorkItem item)
    {
        bool schedule;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return Admission.Retry;
            }

            if (_queue.Count >= Directory.QueueLimit)
            {
                return Admission.Overloaded;
            }

            schedule = EnqueueLocked(item);
        }

        ScheduleIf(schedule);
        return Admission.Queued;
    }

    /// <summary>Queues a timer tick as a turn; false when the activation is going away or full.</summary>
    public bool TryEnqueueTimerTurn(GrainTimer timer)
    {
        bool schedule;
        lock (_lock)
        {
            if (_state is not (ActivationState.Valid or ActivationState.Activating)
                || _pendingDeactivation is not null
                || Directory.Runtime.IsStopping
                || _queue.Count >= Directory.QueueLimit)
            {
                return false;
            }

            schedule = EnqueueLocked(timer);
        }

        ScheduleIf(schedule);
        return true;
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback);
        lock (_lock)
        {
            if (_state is not (ActivationState.Valid or ActivationState.Activating))
            {
                throw new InvalidOperationException($"Grain {Directory.TypeName}/{Key} cannot register a timer while it is {_state}.");
            }

            (_timers ??= []).Add(timer);
        }

        timer.Start(Directory.Runtime.TimeProvider, dueTime, period);
        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    /// <summary>Starts idle collection when the activation has been idle for at least <paramref name="ageTicks"/>.</summary>
    public bool TryBeginIdleCollection(long now, long ageTicks)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _interleaved > 0 || now - _lastActive < ageTicks)
            {
                return false;
            }

            if (_running)
            {
                // Only a timer turn can run in an activation idle this long: collect it when that turn ends.
                _pendingDeactivation ??= DeactivationReason.IdleCollection;
                return false;
            }

            _state = ActivationState.Deactivating;
            _running = true;
        }

        _ = DeactivateAsync(DeactivationReason.IdleCollection);
        return true;
    }

    /// <summary>Deactivates for shutdown once the queued requests are served; completes when gone.</summary>
    public Task DeactivateForShutdownAsync()
    {
        var start = false;
        var neverActivated = false;
        Task done;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return Task.CompletedTask;
            }

            _deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done = _deactivated.Task;
            if (_state == ActivationState.Created && !_running)
            {
                // Never activated and nothing waiting: there is nothing to flush.
                _state = ActivationState.Invalid;
                neverActivated = true;
            }
            else if (_state == ActivationState.Valid && !_running)
            {
                _state = ActivationState.Deactivating;
                _running = true;
                start = true;
            }
            else if (_state != ActivationState.Deactivating)
            {
                _pendingDeactivation ??= DeactivationReason.ShuttingDown;
            }
        }

        if (start)
        {
            _ = DeactivateAsync(DeactivationReason.ShuttingDown);
        }
        else if (neverActivated)
        {
            Directory.Remove(this);
            _deactivated!.TrySetResult();
        }

        return done;
    }

    void IThreadPoolWorkItem.Execute()
    {
        // Only the owner of the turn token gets here, so reading the state without the lock is safe.
        if (_state == ActivationState.Created)
        {
            _ = ActivateAsync();
            return;
        }

        Pump(finished: null, drop: false);
    }

    protected void AttachGrain(Grain grain) => _grain = grain;

    protected abstract Grain CreateGrain(GrainActivationContext context);

    /// <summary>Ends a turn that a caller ran inline, or an interleaved call.</summary>
    protected void EndInlineCall(bool interleaved, bool drop, long startTimestamp)
    {
        Metrics.RecordTurn(Directory.Runtime.TimeProvider, startTimestamp, Directory.TypeTag);
        DeactivationReason? deactivate = null;
        var schedule = false;
        lock (_lock)
        {
            RecordTurnEndLocked(activity: true, drop);
            if (interleaved)
            {
                _interleaved--;
                if (_interleaved == 0)
                {
                    _interleavedDrained?.TrySetResult();
                }

                if (drop && !_running && _state == ActivationState.Valid)
                {
                    deactivate = TakePendingDeactivationLocked();
                }
            }
            else if ((deactivate = TakePendingDeactivationLocked()) is null)
            {
                schedule = _queue.Count > 0;
                _running = schedule;
            }
        }

        if (deactivate is { } reason)
        {
            _ = DeactivateAsync(reason);
        }
        else
        {
            ScheduleIf(schedule);
        }
    }

    /// <summary>
    /// What every turn's end records: activity keeps the activation (cancelling an idle collection that
    /// waited for a timer turn), and a state conflict marks it for dropping.
    /// </summary>
    private void RecordTurnEndLocked(bool activity, bool drop)
    {
        if (activity)
        {
            _lastActive = Directory.Runtime.CoarseTimestamp;
            if (_pendingDeactivation == DeactivationReason.IdleCollection)
            {
                _pendingDeactivation = null;
            }
        }

        if (drop)
        {
            _pendingDeactivation = DeactivationReason.InconsistentState;
            _stateConflict = true;
        }
    }

    private bool HasQueuedCallsLocked()
    {
        foreach (var item in _queue)
        {
            if (item.IsForwardable)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Queues <paramref name="item"/>; true when the caller must schedule the pump, having taken the turn token for it.</summary>
    private bool EnqueueLocked(WorkItem item)
    {
        _queue.Enqueue(item);
        var schedule = !_running;
        _running = true;
        return schedule;
    }

    private void ScheduleIf(bool schedule)
    {
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private DeactivationReason? TakePendingDeactivationLocked()
    {
        if (_pendingDeactivation is { } reason && (reason == DeactivationReason.InconsistentState || !HasQueuedCallsLocked()))
        {
            _pendingDeactivation = null;
            _state = ActivationState.Deactivating;
            _running = true;
            return reason;
        }

        return null;
    }

    /// <summary>Finishes a queued turn and runs the next ones, up to a budget, while they complete synchronously.</summary>
    private void Pump(WorkItem? finished, bool drop)
    {
        for (var budget = TurnBudget; ; budget--)
        {
            // Out of budget, the pump yields its thread to other activations but keeps the turn token.
            var item = TakeNext(finished, drop, yieldThread: budget == 0);
            if (item is null)
            {
                return;
            }

            var start = Metrics.StartTurn(Directory.Runtime.TimeProvider);
            var turn = item.RunAsync(this);
            if (!turn.IsCompletedSuccessfully)
            {
                _ = AwaitTurnAsync(item, turn, start);
                return;
            }

            Metrics.RecordTurn(Directory.Runtime.TimeProvider, start, Directory.TypeTag);
            finished = item;
            drop = turn.Result;
        }
    }

    private async Task AwaitTurnAsync(WorkItem item, ValueTask<bool> turn, long start)
    {
        var drop = await turn.ConfigureAwait(false);
        Metrics.RecordTurn(Directory.Runtime.TimeProvider, start, Directory.TypeTag);
        Pump(item, drop);
    }

    /// <summary>
    /// Records the end of <paramref name="finished"/>, then takes the next item; or, when there is none,
    /// gives up the turn token; or starts a pending deactivation; or reschedules the pump.
    /// </summary>
    private WorkItem? TakeNext(WorkItem? finished, bool drop, bool yieldThread)
    {
        DeactivationReason? deactivate;
        lock (_lock)
        {
            RecordTurnEndLocked(finished is not null && finished.CountsAsActivity, drop);
            deactivate = TakePendingDeactivationLocked();
            if (deactivate is null)
            {
                if (_queue.Count == 0)
                {
                    _running = false;
                    return null;
                }

                if (!yieldThread)
                {
                    return _queue.Dequeue();
                }
            }
        }

        if (deactivate is { } reason)
        {
            _ = DeactivateAsync(reason);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return null;
    }

    private async Task ActivateAsync()
    {
        lock (_lock)
        {
            _state = ActivationState.Activating;
        }

        var runtime = Directory.Runtime;
        try
        {
            var context = new GrainActivationContext(Directory.TypeName, Key, runtime.Services);
            var grain = CreateGrain(context);
            grain.Attach(this);
            await context.ReadStatesAsync(CancellationToken.None).ConfigureAwait(false);
            await grain.OnActivateAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            runtime.Logger.ActivationFailed(ex, Directory.TypeName, Key);
            Directory.RetireCalls(this);
            Directory.Remove(this);
            WorkItem[] rejected;
            TaskCompletionSource? done;
            lock (_lock)
            {
                _state = ActivationState.Invalid;
                _running = false;
                rejected = [.. _queue];
                _queue.Clear();
                done = _deactivated;
            }

            DisposeTimers();
            done?.TrySetResult();
            foreach (var item in rejected)
            {
                item.Reject(ex);
            }

            return;
        }

        lock (_lock)
        {
            _state = ActivationState.Valid;
            _lastActive = runtime.CoarseTimestamp;
        }

        Directory.OnActivated();
        Pump(finished: null, drop: false);
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        var runtime = Directory.Runtime;
        try
        {
            Task? drained = null;
            lock (_lock)
            {
                Debug.Assert(_state == ActivationState.Deactivating && _running, "Deactivation owns the turn token.");
                if (_interleaved > 0)
                {
                    _interleavedDrained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    drained = _interleavedDrained.Task;
                }
            }

            if (drained is not null)
            {
                await drained.ConfigureAwait(false);
            }

            DisposeTimers();
            if (Volatile.Read(ref _stateConflict))
            {
                // Whatever the grain holds is stale: flushing it would only conflict again.
                reason = DeactivationReason.InconsistentState;
                runtime.Logger.DroppedOnStateConflict(Directory.TypeName, Key);
            }
            else if (_grain is not null)
            {
                await _grain.OnDeactivateAsync(reason, runtime.ShutdownToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            runtime.Logger.DeactivationFailed(ex, Directory.TypeName, Key, reason);
        }
        finally
        {
            Retire(reason);
        }
    }

    /// <summary>Leaves the directory, becomes invalid and moves queued calls to the next activation. Never throws.</summary>
    private void Retire(DeactivationReason reason)
    {
        // Leave the directory first, so that whoever sees this activation invalid finds the next one.
        Directory.OnDeactivated(this, reason);
        Directory.Remove(this);
        WorkItem[] waiting;
        TaskCompletionSource? done;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            _running = false;
            waiting = [.. _queue];
            _queue.Clear();
            done = _deactivated;
        }

        done?.TrySetResult();
        foreach (var item in waiting)
        {
            if (item.IsForwardable)
            {
                Directory.Forward(Key, item);
            }
        }
    }

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            if (_timers is null or { Count: 0 })
            {
                return;
            }

            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            try
            {
                timer.Dispose();
            }
            catch (Exception ex)
            {
                // A callback registered on the timer's token threw; the activation must still go away.
                Directory.Runtime.Logger.TimerCallbackFailed(ex, Directory.TypeName, Key);
            }
        }
    }
}
