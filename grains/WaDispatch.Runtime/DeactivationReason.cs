namespace WaDispatch.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>The activation was idle for longer than its collection age.</summary>
    IdleCollection,

    /// <summary>The runtime is shutting down gracefully.</summary>
    ShuttingDown,

    /// <summary>
    /// A state write found a newer version in storage; the activation is dropped without
    /// <see cref="Grain.OnDeactivateAsync"/> so that the next call reloads fresh state.
    /// </summary>
    InconsistentState,
}
