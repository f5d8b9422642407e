using WaDispatch.Runtime;

namespace WaDispatch.Benchmarks;

public sealed class CounterGrain : Grain, ICounter
{
    private long _count;

    public ValueTask<long> AddAsync(long amount) => new(_count += amount);
}
