using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Simulator;
using WaDispatch.Testing;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// A silo in a process of its own (<see cref="SiloProcess"/>) on a SQLite file, sending to an in-process Cloud API
/// simulator that posts its status webhooks back to it, signed with <paramref name="appSecret"/>.
/// </summary>
internal sealed class SimulatedSilo(TempSqliteFile file, KestrelApp simulator, SiloProcess silo) : IAsyncDisposable
{
    /// <summary>The simulator, for its ledger of what reached Meta.</summary>
    public KestrelApp Simulator { get; } = simulator;

    /// <summary>The silo process.</summary>
    public SiloProcess Silo { get; } = silo;

    /// <summary>A client of the silo's HTTP front door.</summary>
    public HttpClient Client { get; } = new() { BaseAddress = silo.Address };

    /// <summary>Starts both, the silo with <paramref name="settings"/> after the ones that wire it to the simulator.</summary>
    public static async Task<SimulatedSilo> StartAsync(string appSecret, Action<SimulatorOptions>? simulatorOptions = null, params string[] settings)
    {
        // Whatever started is stopped again when a later step fails: the file, the simulator, the silo's process.
        var file = new TempSqliteFile();
        KestrelApp? simulator = null;
        SiloProcess? silo = null;
        try
        {
            simulator = await SimulatorServer.StartAsync(o =>
            {
                o.AppSecret = appSecret;
                simulatorOptions?.Invoke(o);
            });
            silo = await SiloProcess.StartAsync(
            [
                "--Storage:ConnectionString", file.ConnectionString, "--Simulator:Enabled", "false", "--CloudApi:BaseAddress", simulator.Address.ToString(),
                "--Webhooks:AppSecret", appSecret, .. settings,
            ]);
            simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = new Uri(silo.Address, "webhooks/whatsapp");
            return new SimulatedSilo(file, simulator, silo);
        }
        catch
        {
            try
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }
            finally
            {
                try
                {
                    if (simulator is not null)
                    {
                        await simulator.DisposeAsync();
                    }
                }
                finally
                {
                    file.Dispose();
                }
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Silo.DisposeAsync();
        await Simulator.DisposeAsync();
        file.Dispose();
    }
}
