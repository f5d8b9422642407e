namespace WaDispatch.Runtime;

/// <summary>Hands out references to grains. A reference does no work; the first call activates.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrain"/> with <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">No grain type is registered for <typeparamref name="TGrain"/>.</exception>
    GrainReference<TGrain> GetGrain<TGrain>(string key) where TGrain : class;
}
