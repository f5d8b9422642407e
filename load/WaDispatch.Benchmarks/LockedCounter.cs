namespace WaDispatch.Benchmarks;

/// <summary>The baseline: the same work called directly, one caller at a time under a lock.</summary>
public sealed class LockedCounter
{
    private readonly Lock _lock = new();
    private long _count;

    public long Add(long amount)
    {
        lock (_lock)
        {
            return _count += amount;
        }
    }
}
