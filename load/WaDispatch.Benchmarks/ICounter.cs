namespace WaDispatch.Benchmarks;

/// <summary>The work every benchmark does per call: add to a counter and return it.</summary>
public interface ICounter
{
    ValueTask<long> AddAsync(long amount);
}
