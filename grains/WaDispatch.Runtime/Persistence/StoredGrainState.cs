namespace WaDispatch.Runtime.Persistence;

/// <summary>A state as read from storage.</summary>
/// <param name="Payload">The JSON payload; null when there is no record or it was cleared.</param>
/// <param name="Version">The stored version; null when no record was ever written.</param>
public readonly record struct StoredGrainState(string? Payload, long? Version);
