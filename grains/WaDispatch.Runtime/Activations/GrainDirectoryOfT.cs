using System.Collections.Concurrent;
using WaDispatch.Runtime.Hosting;

namespace WaDispatch.Runtime.Activations;

/// <summary>The activations of the grain type registered for interface <typeparamref name="TGrain"/>.</summary>
internal sealed class GrainDirectory<TGrain> : GrainDirectory
    where TGrain : class
{
    private readonly ConcurrentDictionary<string, Activation<TGrain>> _activations = new(StringComparer.Ordinal);
    private readonly Func<string, GrainDirectory<TGrain>, Activation<TGrain>> _create;

    public GrainDirectory(GrainRuntime runtime, string typeName, long collectionAgeTicks, int queueLimit, Func<GrainActivationContext, Grain> factory)
        : base(runtime, typeName, collectionAgeTicks, queueLimit)
    {
        // Creating an activation object is cheap and side-effect free, so a lost GetOrAdd race costs nothing.
        _create = (key, directory) => new Activation<TGrain>(directory, key, factory);
    }

    public override IEnumerable<ActivationCore> Activations => _activations.Values;

    public ValueTask<TResult> InvokeAsync<TArg, TResult>(string key, Func<TGrain, TArg, ValueTask<TResult>> method, TArg arg, bool interleave)
    {
        CallWorkItem<TGrain, TArg, TResult>? item = null;
        while (true)
        {
            var activation = GetOrCreate(key);
            var admission = activation.Admit(interleave, method, arg, ref item);
            switch (admission)
            {
                case Admission.Inline:
                    return activation.RunInline(method, arg, interleaved: false);
                case Admission.Interleaved:
                    return activation.RunInline(method, arg, interleaved: true);
                case Admission.Queued:
                    return item!.AsValueTask();
                case Admission.Retry:
                    continue;
                default:
                    return ValueTask.FromException<TResult>(CreateRejection(admission, key));
            }
        }
    }

    public ValueTask InvokeVoidAsync<TArg>(string key, Func<TGrain, TArg, ValueTask> method, TArg arg)
    {
        CallWorkItem<TGrain, (Func<TGrain, TArg, ValueTask> Method, TArg Arg), VoidResult>? item = null;
        while (true)
        {
            var activation = GetOrCreate(key);
            var admission = activation.Admit(interleave: false, VoidCall<TGrain, TArg>.Adapter, (method, arg), ref item);
            switch (admission)
            {
                case Admission.Inline:
                    return activation.RunInlineVoid(method, arg);
                case Admission.Queued:
                    return item!.AsVoidValueTask();
                case Admission.Retry:
                    continue;
                default:
                    return ValueTask.FromException(CreateRejection(admission, key));
            }
        }
    }

    public override void Remove(ActivationCore activation) =>
        _activations.TryRemove(new KeyValuePair<string, Activation<TGrain>>(activation.Key, (Activation<TGrain>)activation));

    public override void Forward(string key, WorkItem item)
    {
        while (true)
        {
            var admission = GetOrCreate(key).Enqueue(item);
            if (admission == Admission.Queued)
            {
                return;
            }

            if (admission != Admission.Retry)
            {
                item.Reject(CreateRejection(admission, key));
                return;
            }
        }
    }

    private Activation<TGrain> GetOrCreate(string key) =>
        _activations.TryGetValue(key, out var activation) ? activation : _activations.GetOrAdd(key, _create, this);

    private Exception CreateRejection(Admission admission, string key) => admission switch
    {
        Admission.Overloaded => new GrainOverloadedException(TypeName, key, QueueLimit),
        _ => new GrainRuntimeStoppedException(TypeName, key),
    };
}
