namespace WaDispatch.Runtime.Hosting;

/// <summary>Per-grain-type settings given at registration.</summary>
public sealed class GrainTypeOptions
{
    /// <summary>The grain type's name, used in storage and metrics. Default: the implementation class name.</summary>
    public string? Name { get; set; }

    /// <summary>Overrides <see cref="GrainRuntimeOptions.CollectionAge"/> for this type; minimum 1 minute.</summary>
    public TimeSpan? CollectionAge { get; set; }
}
