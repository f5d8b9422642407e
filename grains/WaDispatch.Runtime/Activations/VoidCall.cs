namespace WaDispatch.Runtime.Activations;

/// <summary>Adapts a grain method without a result to the call path, which carries one.</summary>
internal static class VoidCall<TGrain, TArg>
    where TGrain : class
{
    public static readonly Func<TGrain, (Func<TGrain, TArg, ValueTask> Method, TArg Arg), ValueTask<VoidResult>> Adapter =
        static (grain, call) => ToVoidResult(call.Method(grain, call.Arg));

    private static ValueTask<VoidResult> ToVoidResult(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            return AwaitAsync(task);
        }

        task.GetAwaiter().GetResult();
        return default;
    }

    private static async ValueTask<VoidResult> AwaitAsync(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return default;
    }
}
