namespace WaDispatch.Runtime.Hosting;

/// <summary>
/// A process-wide small integer per grain interface, so that finding a grain type's directory is an
/// array index rather than a dictionary lookup.
/// </summary>
internal static class GrainTypeIndex<TGrain>
{
    public static readonly int Value = GrainTypeIndexCounter.Next();
}
