namespace WaDispatch.Benchmarks;

/// <summary>The work every benchmark does per call: add to a counter and return it.</summary>
[Alias("wadispatch.benchmarks.ICounter")]
public interface ICounter : IGrainWithStringKey
{
    [Alias("Add")]
    ValueTask<long> AddAsync(long amount);
}
