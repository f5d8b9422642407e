namespace WaDispatch.Load;

/// <summary>A maximum several threads raise at once.</summary>
internal static class AtomicMax
{
    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> unless it is already at least that.</summary>
    public static void Raise(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
