using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Simulator;
using WaDispatch.Testing;

namespace WaDispatch.Silo.Tests;

/// <summary>A real silo on Kestrel for end-to-end tests: a free port, its own database, a simulator as upstream.</summary>
internal static class TestSilo
{
    /// <summary>Starts a silo on <paramref name="connectionString"/> sending to <paramref name="upstream"/>, with extra command-line <paramref name="settings"/>.</summary>
    public static Task<WebApplication> StartAsync(string connectionString, Uri upstream, params string[] settings) =>
        StartAsync(connectionString, upstream, settings, configure: null);

    /// <summary>As <see cref="StartAsync(string, Uri, string[])"/>, with last changes to the builder (log capture).</summary>
    public static async Task<WebApplication> StartAsync(string connectionString, Uri upstream, string[] settings, Action<WebApplicationBuilder>? configure)
    {
        for (var attempt = 1; ; attempt++)
        {
            var silo = Create(
            [
                "--urls", "http://127.0.0.1:0",
                "--Storage:ConnectionString", connectionString,
                "--Simulator:Enabled", "false",
                "--CloudApi:BaseAddress", upstream.ToString(),
                .. settings,
            ], configure);
            try
            {
                await silo.StartAsync();
                return silo;
            }
            catch (Exception ex)
            {
                // A silo that failed part-way (Orleans may be up) is stopped and disposed, so nothing of it lingers.
                try
                {
                    await silo.StopAsync();
                }
                catch (Exception stopping) when (stopping is OperationCanceledException or InvalidOperationException or ArgumentException or IOException or Orleans.Runtime.OrleansException)
                {
                    // It did not start (a host that failed before its services were made throws ArgumentNullException); there is little to stop.
                }

                await silo.DisposeAsync();

                // A port found free (gRPC's, or Orleans' own, which Orleans throws as it is) was taken by another test
                // before the silo bound it: again, on fresh ports. Anything else is the test's to see.
                if (attempt >= 3 || (ex is not Microsoft.AspNetCore.Connections.AddressInUseException && ex.InnerException is not Microsoft.AspNetCore.Connections.AddressInUseException))
                {
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// Creates a silo from command-line <paramref name="args"/>, with Orleans ports of its own (tests start many silos
    /// at once; the arguments may still name ports, which win).
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null) =>
        SiloApplication.Create([.. OrleansPorts(), .. args], configure);

    /// <summary>Free loopback ports for a silo's Orleans endpoints and its gRPC port, as command-line settings.</summary>
    public static string[] OrleansPorts()
    {
        var ports = WaDispatch.Simulator.LoopbackPorts.Free(3).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return ["--Orleans:SiloPort", ports[0], "--Orleans:GatewayPort", ports[1], "--Grpc:Port", ports[2]];
    }

    /// <summary>Free Orleans ports for a silo under <c>WebApplicationFactory</c>.</summary>
    public static IWebHostBuilder UseFreeOrleansPorts(this IWebHostBuilder builder)
    {
        var ports = OrleansPorts();
        return builder
            .UseSetting("Orleans:SiloPort", ports[1])
            .UseSetting("Orleans:GatewayPort", ports[3])
            .UseSetting("Grpc:Port", ports[5]);
    }

    /// <summary>The silo's gRPC address (cleartext HTTP/2).</summary>
    public static Uri GrpcAddressOf(WebApplication silo) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://127.0.0.1:{silo.Configuration.GetValue<int>("Grpc:Port")}"));

    /// <summary>Points <paramref name="simulator"/>'s webhooks at <paramref name="silo"/>'s receiver (its port is known only once it listens).</summary>
    public static void SendWebhooksTo(KestrelApp simulator, WebApplication silo) =>
        simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = new Uri(KestrelApp.AddressOf(silo), "webhooks/whatsapp");
}
