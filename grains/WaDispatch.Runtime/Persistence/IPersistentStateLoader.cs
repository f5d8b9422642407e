namespace WaDispatch.Runtime.Persistence;

/// <summary>What the runtime needs of a declared state before activation: to read it.</summary>
internal interface IPersistentStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken);
}
