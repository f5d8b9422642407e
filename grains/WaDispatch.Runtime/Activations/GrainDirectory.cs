using System.Diagnostics;
using WaDispatch.Runtime.Hosting;

namespace WaDispatch.Runtime.Activations;

/// <summary>The activations of one grain type, keyed by grain key.</summary>
internal abstract class GrainDirectory
{
    private long _activationCount;
    private long _retiredCalls;

    protected GrainDirectory(GrainRuntime runtime, string typeName, long collectionAgeTicks, int queueLimit)
    {
        Runtime = runtime;
        TypeName = typeName;
        TypeTag = new KeyValuePair<string, object?>("grain.type", typeName);
        CollectionAgeTicks = collectionAgeTicks;
        QueueLimit = queueLimit;
    }

    public GrainRuntime Runtime { get; }

    public string TypeName { get; }

    public KeyValuePair<string, object?> TypeTag { get; }

    public long CollectionAgeTicks { get; }

    public int QueueLimit { get; }

    /// <summary>Activations that completed activation and are not yet deactivated.</summary>
    public long ActivationCount => Interlocked.Read(ref _activationCount);

    public abstract IEnumerable<ActivationCore> Activations { get; }

    /// <summary>Calls admitted by live and retired activations of this type.</summary>
    public long CallCount
    {
        get
        {
            var total = Interlocked.Read(ref _retiredCalls);
            foreach (var activation in Activations)
            {
                total += activation.CallCount;
            }

            return total;
        }
    }

    public abstract void Remove(ActivationCore activation);

    public abstract void Forward(string key, WorkItem item);

    public void OnActivated()
    {
        Interlocked.Increment(ref _activationCount);
        Runtime.Metrics.ActivationCreated(TypeTag);
    }

    public void OnDeactivated(ActivationCore activation, DeactivationReason reason)
    {
        if (Interlocked.Decrement(ref _activationCount) < 0)
        {
            Debug.Fail("More deactivations than activations.");
        }

        RetireCalls(activation);
        Runtime.Metrics.ActivationDeactivated(TypeTag, reason);
    }

    /// <summary>Keeps a leaving activation's calls in the calls metric.</summary>
    public void RetireCalls(ActivationCore activation) => Interlocked.Add(ref _retiredCalls, activation.CallCount);

    /// <summary>Starts idle collection of every activation idle for at least this type's collection age.</summary>
    public int CollectIdle(long now)
    {
        var started = 0;
        foreach (var activation in Activations)
        {
            if (activation.TryBeginIdleCollection(now, CollectionAgeTicks))
            {
                started++;
            }
        }

        return started;
    }
}
