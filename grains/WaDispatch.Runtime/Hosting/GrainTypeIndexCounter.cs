namespace WaDispatch.Runtime.Hosting;

/// <summary>Hands out <see cref="GrainTypeIndex{TGrain}"/> values.</summary>
internal static class GrainTypeIndexCounter
{
    private static int s_last = -1;

    public static int Next() => Interlocked.Increment(ref s_last);
}
