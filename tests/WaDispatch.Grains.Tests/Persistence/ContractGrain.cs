namespace WaDispatch.Grains.Tests.Persistence;

/// <summary>A grain with one persistent state, to test grain persistence on WaDispatch's storage.</summary>
[Alias("wadispatch.tests.IContractGrain")]
public interface IContractGrain : IGrainWithStringKey
{
    /// <summary>The state as the activation holds it; null when no record exists.</summary>
    [Alias("Read")]
    ValueTask<ContractState?> ReadAsync();

    [Alias("Write")]
    ValueTask WriteAsync(ContractState state);

    [Alias("Clear")]
    ValueTask ClearAsync();
}

[GenerateSerializer]
[Alias("wadispatch.tests.ContractState")]
public sealed record ContractState
{
    [Id(0)]
    public int Count { get; init; }

    [Id(1)]
    public string Text { get; init; } = string.Empty;
}

/// <summary>The state name is unique in the service, as every state name must be (the provider's key ignores the grain type).</summary>
public sealed class ContractGrain([PersistentState(ContractGrain.StateName)] IPersistentState<ContractState> stored) : Grain, IContractGrain
{
    public const string StateName = "contract-test";

    public ValueTask<ContractState?> ReadAsync() => ValueTask.FromResult(stored.RecordExists ? stored.State : null);

    public async ValueTask WriteAsync(ContractState state)
    {
        stored.State = state;
        await stored.WriteStateAsync();
    }

    public async ValueTask ClearAsync() => await stored.ClearStateAsync();
}
