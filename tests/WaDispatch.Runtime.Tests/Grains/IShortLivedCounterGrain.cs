namespace WaDispatch.Runtime.Tests.Grains;

/// <summary>The counter registered a second time, as a grain type with its own collection age.</summary>
public interface IShortLivedCounterGrain : ICounterGrain;
