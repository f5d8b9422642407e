using WaDispatch.Runtime.Activations;

namespace WaDispatch.Runtime.Hosting;

/// <summary>A grain type as registered: its interface, name, settings and factory.</summary>
internal abstract class GrainTypeRegistration(string name, TimeSpan? collectionAge)
{
    public string Name { get; } = name;

    public TimeSpan? CollectionAge { get; } = collectionAge;

    public abstract Type InterfaceType { get; }

    public abstract int Index { get; }

    public abstract GrainDirectory CreateDirectory(GrainRuntime runtime, long collectionThresholdTicks, int queueLimit);
}

/// <summary>The registration of the grain type behind interface <typeparamref name="TGrain"/>.</summary>
internal sealed class GrainTypeRegistration<TGrain>(string name, TimeSpan? collectionAge, Func<GrainActivationContext, Grain> factory)
    : GrainTypeRegistration(name, collectionAge)
    where TGrain : class
{
    public override Type InterfaceType => typeof(TGrain);

    public override int Index => GrainTypeIndex<TGrain>.Value;

    public override GrainDirectory CreateDirectory(GrainRuntime runtime, long collectionThresholdTicks, int queueLimit) =>
        new GrainDirectory<TGrain>(runtime, Name, collectionThresholdTicks, queueLimit, factory);
}
