using Microsoft.Extensions.DependencyInjection;

namespace WaDispatch.Runtime.Hosting;

/// <summary>Registers grain types with the runtime; returned by <c>AddGrainRuntime</c>.</summary>
public sealed class GrainRuntimeBuilder
{
    internal GrainRuntimeBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the runtime is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers grain type <typeparamref name="TImplementation"/> behind interface <typeparamref name="TGrain"/>.
    /// </summary>
    /// <param name="factory">Builds one activation; declare persistent state through the context here.</param>
    /// <param name="configure">Optional per-type settings: name, collection age.</param>
    /// <exception cref="ArgumentOutOfRangeException">The collection age is under one minute.</exception>
    public GrainRuntimeBuilder AddGrain<TGrain, TImplementation>(
        Func<GrainActivationContext, TImplementation> factory,
        Action<GrainTypeOptions>? configure = null)
        where TGrain : class
        where TImplementation : Grain, TGrain
    {
        ArgumentNullException.ThrowIfNull(factory);
        var options = new GrainTypeOptions();
        configure?.Invoke(options);
        var name = string.IsNullOrWhiteSpace(options.Name) ? typeof(TImplementation).Name : options.Name;
        if (options.CollectionAge is { } age && age < GrainRuntimeOptions.MinimumCollectionAge)
        {
            throw new ArgumentOutOfRangeException(
                nameof(configure),
                age,
                $"CollectionAge of grain type '{name}' is {age}; the minimum is {GrainRuntimeOptions.MinimumCollectionAge}.");
        }

        Services.AddSingleton<GrainTypeRegistration>(new GrainTypeRegistration<TGrain>(name, options.CollectionAge, context => factory(context)));
        return this;
    }
}
