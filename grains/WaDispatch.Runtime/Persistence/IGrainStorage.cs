namespace WaDispatch.Runtime.Persistence;

/// <summary>
/// Version-checked storage of grain state. Versions only grow: a write or clear names the version it
/// read, and a mismatch raises <see cref="InconsistentStateException"/> instead of overwriting.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Reads a state; a missing record reads as no payload and no version.</summary>
    Task<StoredGrainState> ReadAsync(GrainStateId id, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="payload"/> if the stored version is <paramref name="expectedVersion"/> (null: no record yet).</summary>
    /// <returns>The new version.</returns>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task<long> WriteAsync(GrainStateId id, string payload, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Clears the payload if the stored version is <paramref name="expectedVersion"/>. The record keeps a
    /// new version, so that a writer holding an older one still conflicts.
    /// </summary>
    /// <returns>The new version, or null when there was no record to clear.</returns>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task<long?> ClearAsync(GrainStateId id, long? expectedVersion, CancellationToken cancellationToken);
}
