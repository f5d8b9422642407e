using System.Globalization;

namespace WaDispatch.Runtime.Persistence;

/// <summary>
/// A state write or clear named a version that is no longer the stored one: another writer got there
/// first. Escaping a grain method, it drops the activation so that the next call reloads the state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception with every identifier of the conflict.</summary>
    public InconsistentStateException(GrainStateId id, long? expectedVersion, long? storedVersion)
        : base($"Version conflict on grain state {id}: expected version {Format(expectedVersion)}, stored version {Format(storedVersion)}.")
    {
        GrainType = id.GrainType;
        GrainKey = id.GrainKey;
        StateName = id.StateName;
        ExpectedEtag = expectedVersion?.ToString(CultureInfo.InvariantCulture);
        StoredEtag = storedVersion?.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The grain type.</summary>
    public string GrainType { get; }

    /// <summary>The grain key.</summary>
    public string GrainKey { get; }

    /// <summary>The state name.</summary>
    public string StateName { get; }

    /// <summary>The version the writer held; null when it expected no record.</summary>
    public string? ExpectedEtag { get; }

    /// <summary>The version in storage; null when there is no record.</summary>
    public string? StoredEtag { get; }

    private static string Format(long? version) => version?.ToString(CultureInfo.InvariantCulture) ?? "none";
}
