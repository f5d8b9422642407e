namespace WaDispatch.Benchmarks;

/// <summary>The benchmarks' grain: a counter in memory, no state, no I/O, so that a call measures Orleans alone.</summary>
public sealed class CounterGrain : Grain, ICounter
{
    private long _count;

    public ValueTask<long> AddAsync(long amount) => new(_count += amount);
}
