using System.Diagnostics;
using System.Text.RegularExpressions;

namespace WaDispatch.Silo.Tests;

/// <summary>The silo as a process of its own (<c>dotnet exec WaDispatch.Silo.dll</c>), to be stopped by a real signal.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, Uri address, int gatewayPort)
    {
        _process = process;
        Address = address;
        GatewayPort = gatewayPort;
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>Its Orleans gateway's port on loopback, for an embedded client.</summary>
    public int GatewayPort { get; }

    /// <summary>
    /// Starts the silo with command-line <paramref name="settings"/> on a free loopback port. A port picked free may be
    /// taken again before the silo binds it — by its own Orleans ports, picked after a caller's <c>--urls</c> port was
    /// given back (it happened on CI) — so a silo that exits with "address already in use" is started again, on newly
    /// picked Orleans ports, up to three times.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(params string[] settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(settings);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Picked again below.
            }
        }
    }

    private static async Task<SiloProcess> StartOnceAsync(string[] settings)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "WaDispatch.Silo.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var ports = TestSilo.OrleansPorts();
        foreach (var argument in (string[])["exec", silo, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information", .. ports, .. settings])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ListeningOn().Match(line) is { Success: true } match)
            {
                // Set WADISPATCH_TEST_SILO_LOGS to a folder to keep each silo's output there when a test needs looking into.
                var logs = Environment.GetEnvironmentVariable("WADISPATCH_TEST_SILO_LOGS") is { Length: > 0 } folder
                    ? File.Create(Path.Combine(folder, $"silo-{process.Id}.log"))
                    : Stream.Null;
                _ = process.StandardOutput.BaseStream.CopyToAsync(logs, CancellationToken.None).ContinueWith(_ => logs.Dispose(), TaskScheduler.Default);
                _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                var gateway = Array.LastIndexOf(settings, "--Orleans:GatewayPort") is var given and >= 0 ? settings[given + 1] : ports[3];
                return new SiloProcess(process, new Uri(match.Groups[1].Value.TrimEnd('/') + "/"), int.Parse(gateway, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"The silo exited before listening: {await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>
    /// Settings of a silo in a cluster on PostgreSQL (<c>Orleans:Membership=AdoNet</c>, advertised on loopback) with
    /// <paramref name="upstream"/> as Meta, whose webhooks it verifies with <paramref name="appSecret"/>.
    /// </summary>
    public static string[] ClusterSettings(string database, Uri upstream, string appSecret) =>
    [
        "--Storage:Provider", "PostgreSql",
        "--Storage:ConnectionString", database,
        "--Orleans:Membership", "AdoNet",
        "--Orleans:AdvertisedAddress", "127.0.0.1",
        "--Simulator:Enabled", "false",
        "--CloudApi:BaseAddress", upstream.ToString(),
        "--Webhooks:AppSecret", appSecret,
    ];

    /// <summary>Sends SIGTERM, as an orchestrator does, and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL, as <c>kill -9</c>): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
