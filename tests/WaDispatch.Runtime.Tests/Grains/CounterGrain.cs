using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Runtime.Tests.Grains;

public sealed class CounterGrain : Grain, IShortLivedCounterGrain
{
    private readonly IPersistentState<CounterState> _state;
    private readonly GrainProbe _probe;
    private bool _dirty;
    private int _inside;
    private int _timerTicks;

    public CounterGrain(IPersistentState<CounterState> state, GrainProbe probe)
    {
        _state = state;
        _probe = probe;
        probe.OnCreated();
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _probe.Log.Enqueue($"activate {GrainKey} count={_state.State.Count}");
        if (_probe.ActivationGate is { } gate)
        {
            await gate;
        }

        if (_probe.ActivationFailure is { } failure)
        {
            throw failure;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _probe.Deactivations.Enqueue((GrainKey, reason));
        _probe.DeactivationStarted.TrySetResult();
        if (_probe.DeactivationGate is { } gate)
        {
            await gate;
        }

        if (_dirty)
        {
            await _state.WriteStateAsync(cancellationToken);
        }

        _probe.DeactivationFinished.TrySetResult();
    }

    public ValueTask<int> AddAsync(int amount)
    {
        _state.State.Count += amount;
        _dirty = true;
        return new(_state.State.Count);
    }

    public async ValueTask<int> AddAndSaveAsync(int amount)
    {
        _state.State.Count += amount;
        await _state.WriteStateAsync();
        _dirty = false;
        return _state.State.Count;
    }

    public ValueTask<int> GetAsync() => new(_state.State.Count);

    public async ValueTask SaveAsync()
    {
        await _state.WriteStateAsync();
        _dirty = false;
    }

    public ValueTask<int> FailAsync(string message) => throw new InvalidOperationException(message);

    public async ValueTask<int> EnterAsync(string name, Task gate)
    {
        var inside = Interlocked.Increment(ref _inside);
        _probe.OnInside(inside);
        _probe.Log.Enqueue($"enter {name}");
        await gate;
        await Task.Yield();
        _probe.Log.Enqueue($"exit {name}");
        return Interlocked.Decrement(ref _inside);
    }

    public ValueTask<int> InsideAsync() => new(Volatile.Read(ref _inside));

    public ValueTask StartTimerAsync(TimeSpan dueTime, TimeSpan period, Task? gate)
    {
        RegisterGrainTimer(
            async _ =>
            {
                var inside = Interlocked.Increment(ref _inside);
                _probe.OnInside(inside);
                if (gate is not null)
                {
                    await gate;
                }

                _timerTicks++;
                _probe.OnTimerTick();
                Interlocked.Decrement(ref _inside);
            },
            dueTime,
            period);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> TimerTicksAsync() => new(_timerTicks);
}
