namespace WaDispatch.Runtime;

/// <summary>
/// The activation already holds its maximum number of queued requests; the call was not accepted.
/// Retrying later can help.
/// </summary>
public sealed class GrainOverloadedException : Exception
{
    /// <summary>Creates the exception for an activation and its queue limit.</summary>
    public GrainOverloadedException(string grainType, string grainKey, int queueLimit)
        : base($"Grain {grainType}/{grainKey} is overloaded: {queueLimit} requests are already queued (GrainRuntime:MaxQueuedRequestsPerActivation).")
    {
        GrainType = grainType;
        GrainKey = grainKey;
        QueueLimit = queueLimit;
    }

    /// <summary>The grain type name.</summary>
    public string GrainType { get; }

    /// <summary>The grain key.</summary>
    public string GrainKey { get; }

    /// <summary>The per-activation queue limit that was reached.</summary>
    public int QueueLimit { get; }
}
