namespace WaDispatch.Runtime.Activations;

internal enum ActivationState
{
    /// <summary>In the directory, not yet activated; the first turn activates it.</summary>
    Created,

    /// <summary>Reading state and running OnActivateAsync; calls queue.</summary>
    Activating,

    /// <summary>Serving calls.</summary>
    Valid,

    /// <summary>Running OnDeactivateAsync; calls queue and move to the next activation afterwards.</summary>
    Deactivating,

    /// <summary>Gone from the directory; callers that still hold it look it up again.</summary>
    Invalid,
}
