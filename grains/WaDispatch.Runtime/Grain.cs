using WaDispatch.Runtime.Activations;

namespace WaDispatch.Runtime;

/// <summary>
/// Base class of every grain: one activation per identity, one turn at a time.
/// </summary>
/// <remarks>
/// The runtime attaches the activation after the grain factory returns, so the members below are
/// usable from <see cref="OnActivateAsync"/> on, not from the constructor.
/// </remarks>
public abstract class Grain
{
    private ActivationCore? _activation;

    /// <summary>The key of this grain within its type.</summary>
    protected string GrainKey => Activation.Key;

    /// <summary>Factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => Activation.Directory.Runtime;

    /// <summary>The clock every grain must use for time and intervals.</summary>
    protected TimeProvider TimeProvider => Activation.Directory.Runtime.TimeProvider;

    private ActivationCore Activation =>
        _activation ?? throw new InvalidOperationException("The grain is not attached to an activation yet; use OnActivateAsync rather than the constructor.");

    internal void Attach(ActivationCore activation) => _activation = activation;

    /// <summary>Runs after persisted state was read and before the first call is served.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the activation is dropped; the place to flush state that changed.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Registers a timer whose callback runs as a turn of this activation. A tick that comes while the
    /// previous one is still queued or running is skipped. The timer dies with the activation and does
    /// not keep it from being collected.
    /// </summary>
    protected IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Activation.RegisterTimer(callback, dueTime, period);
    }
}
