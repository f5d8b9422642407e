namespace WaDispatch.Runtime.Activations;

/// <summary>A request waiting in an activation's queue, run later as one turn.</summary>
internal abstract class WorkItem
{
    /// <summary>Whether the item may move to the next activation of the same identity.</summary>
    public virtual bool IsForwardable => true;

    /// <summary>Whether running the item counts as activity that keeps the activation from idle collection.</summary>
    public virtual bool CountsAsActivity => true;

    /// <summary>Runs the turn. Never throws; the result is true when the activation must be dropped.</summary>
    public abstract ValueTask<bool> RunAsync(ActivationCore activation);

    /// <summary>Completes the request with <paramref name="error"/> without running it.</summary>
    public abstract void Reject(Exception error);
}
