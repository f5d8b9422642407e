using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.Runtime;
using WaDispatch.Runtime.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the grain runtime.</summary>
public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the grain runtime as <see cref="IGrainFactory"/> and as a hosted service that sweeps idle
    /// activations and deactivates everything on shutdown. Settings bind from <c>GrainRuntime</c> when
    /// the caller binds them (see <see cref="GrainRuntimeOptions"/>), and are validated at start-up.
    /// </summary>
    public static GrainRuntimeBuilder AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GrainRuntimeOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(GrainRuntime)))
        {
            services.AddLogging();
            services.AddMetrics();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainRuntimeOptions>, GrainRuntimeOptionsValidator>());
            services.AddSingleton(sp => new GrainRuntime(
                sp.GetServices<GrainTypeRegistration>(),
                sp.GetRequiredService<IOptions<GrainRuntimeOptions>>(),
                sp,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<GrainRuntime>>(),
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
            services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<GrainRuntime>());
        }

        return new GrainRuntimeBuilder(services);
    }
}
