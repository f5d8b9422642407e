using System.Threading.Tasks.Sources;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Runtime.Activations;

/// <summary>
/// A queued grain call and the completion its caller awaits. Pooled: the caller's await hands it
/// back, so queued calls allocate nothing in steady state.
/// </summary>
internal sealed class CallWorkItem<TGrain, TArg, TResult> : WorkItem, IValueTaskSource<TResult>, IValueTaskSource
    where TGrain : class
{
    private static readonly WorkItemPool<CallWorkItem<TGrain, TArg, TResult>> s_pool = new();

    // Continuations run asynchronously so that a caller's code never runs inside another grain's turn.
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };
    private Func<TGrain, TArg, ValueTask<TResult>>? _method;
    private TArg _arg = default!;

    public static CallWorkItem<TGrain, TArg, TResult> Rent(Func<TGrain, TArg, ValueTask<TResult>> method, TArg arg)
    {
        var item = s_pool.TryRent() ?? new CallWorkItem<TGrain, TArg, TResult>();
        item._method = method;
        item._arg = arg;
        return item;
    }

    public ValueTask<TResult> AsValueTask() => new(this, _core.Version);

    public ValueTask AsVoidValueTask() => new(this, _core.Version);

    public override ValueTask<bool> RunAsync(ActivationCore activation)
    {
        ValueTask<TResult> task;
        try
        {
            task = _method!(((Activation<TGrain>)activation).Grain, _arg);
        }
        catch (Exception ex)
        {
            _core.SetException(ex);
            return new ValueTask<bool>(ex is InconsistentStateException);
        }

        if (task.IsCompletedSuccessfully)
        {
            _core.SetResult(task.Result);
            return new ValueTask<bool>(false);
        }

        return AwaitAsync(task);
    }

    public override void Reject(Exception error) => _core.SetException(error);

    private async ValueTask<bool> AwaitAsync(ValueTask<TResult> task)
    {
        try
        {
            var result = await task.ConfigureAwait(false);
            _core.SetResult(result);
            return false;
        }
        catch (Exception ex)
        {
            _core.SetException(ex);
            return ex is InconsistentStateException;
        }
    }

    TResult IValueTaskSource<TResult>.GetResult(short token)
    {
        EnsureCompleted(token);
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Recycle();
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        EnsureCompleted(token);
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            Recycle();
        }
    }

    // A misused ValueTask (awaited twice, or blocked on before completion) must throw without handing
    // the item back to the pool while it is still queued.
    private void EnsureCompleted(short token)
    {
        if (_core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            throw new InvalidOperationException("A grain call's ValueTask was read before it completed; await it instead.");
        }
    }

    ValueTaskSourceStatus IValueTaskSource<TResult>.GetStatus(short token) => _core.GetStatus(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<TResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Recycle()
    {
        _core.Reset();
        _method = null;
        _arg = default!;
        s_pool.Return(this);
    }
}
