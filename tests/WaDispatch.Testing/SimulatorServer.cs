using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Simulator;

namespace WaDispatch.Testing;

/// <summary>The Cloud API simulator on real Kestrel, with an optional clock and settings.</summary>
public static class SimulatorServer
{
    /// <summary>Starts the simulator; <paramref name="time"/> replaces the system clock when given.</summary>
    public static Task<KestrelApp> StartAsync(Action<SimulatorOptions>? configure = null, TimeProvider? time = null) =>
        KestrelApp.StartAsync(
            services =>
            {
                if (time is not null)
                {
                    services.AddSingleton(time);
                }

                services.AddCloudApiSimulator(configure);
            },
            app => app.MapCloudApiSimulator());
}
