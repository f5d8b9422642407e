using Orleans.Runtime;

namespace WaDispatch.Grains;

/// <summary>
/// Grain references for the per-message paths, without Orleans resolving the interface's grain type on every call.
/// </summary>
/// <remarks>
/// <c>IGrainFactory.GetGrain&lt;T&gt;(string)</c> asks <c>GrainInterfaceTypeResolver</c> for the interface's type each
/// time, which reads the interface's custom attributes by reflection: 5 % of the silo's CPU on the max-throughput run,
/// where every message takes references to its recipient, its lane and its business (issue 22). Orleans' own
/// <see cref="IGrainFactory.GetGrain(GrainId, GrainInterfaceType)"/> takes the resolved types; the first reference of an
/// interface is made the ordinary way and its types are kept for the rest. A grain interface resolves to the same types
/// in every silo and client of the process, since they load the same assemblies.
/// </remarks>
public static class GrainReferences
{
    /// <summary>The reference to the grain of <typeparamref name="TGrain"/> keyed <paramref name="key"/>; the same as <c>GetGrain&lt;TGrain&gt;(key)</c>.</summary>
    public static TGrain Reference<TGrain>(this IGrainFactory grains, string key)
        where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(key);
        if (Resolved<TGrain>.Types is { } types)
        {
            return (TGrain)grains.GetGrain(GrainId.Create(types.Grain, IdSpan.Create(key)), types.Interface);
        }

        var reference = grains.GetGrain<TGrain>(key);
        if (reference is GrainReference resolved)
        {
            Resolved<TGrain>.Types = new ResolvedTypes(resolved.GrainId.Type, resolved.InterfaceType);
        }

        return reference;
    }

    private sealed record ResolvedTypes(GrainType Grain, GrainInterfaceType Interface);

    private static class Resolved<TGrain>
    {
        public static ResolvedTypes? Types;
    }
}
