namespace WaDispatch.Runtime.Persistence;

/// <summary>A grain's persistent state, read before activation and written when the grain says so.</summary>
/// <typeparam name="TState">The state type.</typeparam>
public interface IPersistentState<TState>
{
    /// <summary>The current state; a new instance when nothing is stored.</summary>
    TState State { get; set; }

    /// <summary>The stored version this state was read or written at; null when no record exists.</summary>
    string? Etag { get; }

    /// <summary>Whether storage holds a payload for this state.</summary>
    bool RecordExists { get; }

    /// <summary>Reads the state from storage, replacing <see cref="State"/>.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>; throws <see cref="InconsistentStateException"/> when storage moved on.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Clears the stored payload and resets <see cref="State"/>.</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
