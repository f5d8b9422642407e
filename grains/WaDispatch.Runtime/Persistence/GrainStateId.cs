namespace WaDispatch.Runtime.Persistence;

/// <summary>Identifies one persisted state: grain type, grain key and state name.</summary>
/// <param name="GrainType">The registered name of the grain type.</param>
/// <param name="GrainKey">The grain key.</param>
/// <param name="StateName">The state name, for grains with several states.</param>
public readonly record struct GrainStateId(string GrainType, string GrainKey, string StateName)
{
    /// <inheritdoc />
    public override string ToString() => $"{GrainType}/{GrainKey}/{StateName}";
}
