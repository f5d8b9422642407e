using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Runtime.Activations;

/// <summary>An activation of a grain with interface <typeparamref name="TGrain"/>.</summary>
internal sealed class Activation<TGrain> : ActivationCore
    where TGrain : class
{
    private readonly Func<GrainActivationContext, Grain> _factory;
    private TGrain? _typed;

    public Activation(GrainDirectory directory, string key, Func<GrainActivationContext, Grain> factory)
        : base(directory, key)
    {
        _factory = factory;
    }

    public TGrain Grain => _typed!;

    /// <summary>Runs an admitted call on the caller's thread; completes the turn when the call completes.</summary>
    public ValueTask<TResult> RunInline<TArg, TResult>(Func<TGrain, TArg, ValueTask<TResult>> method, TArg arg, bool interleaved)
    {
        var start = Directory.Runtime.Metrics.StartTurn(Directory.Runtime.TimeProvider);
        ValueTask<TResult> task;
        try
        {
            task = method(_typed!, arg);
        }
        catch (Exception ex)
        {
            EndInlineCall(interleaved, ex is InconsistentStateException, start);
            return ValueTask.FromException<TResult>(ex);
        }

        if (task.IsCompletedSuccessfully)
        {
            var result = task.Result;
            EndInlineCall(interleaved, drop: false, start);
            return new ValueTask<TResult>(result);
        }

        return AwaitInlineAsync(task, interleaved, start);
    }

    /// <summary>Runs an admitted call that returns no value on the caller's thread.</summary>
    public ValueTask RunInlineVoid<TArg>(Func<TGrain, TArg, ValueTask> method, TArg arg)
    {
        var start = Directory.Runtime.Metrics.StartTurn(Directory.Runtime.TimeProvider);
        ValueTask task;
        try
        {
            task = method(_typed!, arg);
        }
        catch (Exception ex)
        {
            EndInlineCall(interleaved: false, ex is InconsistentStateException, start);
            return ValueTask.FromException(ex);
        }

        if (task.IsCompletedSuccessfully)
        {
            // Consume it, so that a pooled source behind it is handed back.
            task.GetAwaiter().GetResult();
            EndInlineCall(interleaved: false, drop: false, start);
            return default;
        }

        return AwaitInlineVoidAsync(task, start);
    }

    protected override Grain CreateGrain(GrainActivationContext context)
    {
        var grain = _factory(context);
        _typed = (TGrain)(object)grain;
        AttachGrain(grain);
        return grain;
    }

    private async ValueTask<TResult> AwaitInlineAsync<TResult>(ValueTask<TResult> task, bool interleaved, long start)
    {
        TResult result;
        try
        {
            result = await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EndInlineCall(interleaved, ex is InconsistentStateException, start);
            throw;
        }

        EndInlineCall(interleaved, drop: false, start);
        return result;
    }

    private async ValueTask AwaitInlineVoidAsync(ValueTask task, long start)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EndInlineCall(interleaved: false, ex is InconsistentStateException, start);
            throw;
        }

        EndInlineCall(interleaved: false, drop: false, start);
    }
}
