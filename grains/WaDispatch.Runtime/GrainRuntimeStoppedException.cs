namespace WaDispatch.Runtime;

/// <summary>The grain runtime is shutting down or stopped and accepts no new calls.</summary>
public sealed class GrainRuntimeStoppedException : Exception
{
    /// <summary>Creates the exception for the grain that was called.</summary>
    public GrainRuntimeStoppedException(string grainType, string grainKey)
        : base($"Grain {grainType}/{grainKey} cannot be called: the grain runtime is shutting down.")
    {
    }
}
