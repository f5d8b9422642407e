namespace WaDispatch.Runtime.Activations;

/// <summary>What an activation did with a call that asked to be admitted.</summary>
internal enum Admission
{
    /// <summary>The activation was idle: the caller runs the turn on its own thread.</summary>
    Inline,

    /// <summary>An interleaved call: the caller runs it on its own thread, alongside any turn.</summary>
    Interleaved,

    /// <summary>The call waits in the activation's queue.</summary>
    Queued,

    /// <summary>The activation is gone; look the identity up again.</summary>
    Retry,

    /// <summary>The activation's queue is full.</summary>
    Overloaded,

    /// <summary>The runtime is shutting down.</summary>
    Stopped,
}
