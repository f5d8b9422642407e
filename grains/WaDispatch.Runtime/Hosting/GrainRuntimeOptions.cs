namespace WaDispatch.Runtime.Hosting;

/// <summary>Settings of the grain runtime (configuration section <c>GrainRuntime</c>).</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "GrainRuntime";

    /// <summary>The least idle collection age a grain type may have.</summary>
    public static readonly TimeSpan MinimumCollectionAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an activation may stay idle before it is collected. Default 15 minutes, minimum 1 minute;
    /// a grain type may override it.
    /// </summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How often the idle-collection sweep runs. Default 1 minute. An activation is collected between
    /// its collection age and that age plus one quantum after its last call.
    /// </summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Calls that may wait in one activation's queue; past it, calls fail with
    /// <see cref="GrainOverloadedException"/>. Default 10,000.
    /// </summary>
    public int MaxQueuedRequestsPerActivation { get; set; } = 10_000;
}
