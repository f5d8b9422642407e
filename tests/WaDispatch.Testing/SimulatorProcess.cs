using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WaDispatch.Testing;

/// <summary>
/// The stand-alone simulator (<c>WaDispatch.Simulator.Host</c>) in a process of its own, like Meta: a
/// referee that never shares a GC pause or a thread pool with the sender it judges. The test project
/// must reference the host project so that its output sits next to the tests.
/// </summary>
public sealed partial class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private readonly string _contentRoot;

    private SimulatorProcess(Process process, Uri address, string contentRoot)
    {
        _process = process;
        _contentRoot = contentRoot;
        Address = address;
        _http = new HttpClient { BaseAddress = address };
    }

    /// <summary>The simulator's base address.</summary>
    public Uri Address { get; }

    /// <summary>Starts the simulator on a free loopback port with extra command-line settings.</summary>
    public static async Task<SimulatorProcess> StartAsync(params string[] settings)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "WaDispatch.Simulator.Host.dll");
        if (!File.Exists(host))
        {
            throw new InvalidOperationException($"{host} is missing: reference load/WaDispatch.Simulator.Host from the test project.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        // Server GC collects with a thread per core: the referee's pauses, during which arrivals queue
        // and are then counted together, stay short.
        start.Environment["DOTNET_gcServer"] = "1";
        // A content root of its own: the test folder holds the silo's appsettings.json, whose Simulator
        // section (a webhook URL, for one) is not this simulator's.
        var contentRoot = Directory.CreateTempSubdirectory("wadispatch-simulator-").FullName;
        foreach (var argument in (string[])["exec", host, "--contentRoot", contentRoot, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information", .. settings])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the simulator process.");
        try
        {
            // The referee timestamps arrivals when its handler runs: on a small machine it must not be
            // starved by the sender it judges, or it would see bunches the sender never sent.
            process.PriorityClass = ProcessPriorityClass.High;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not permitted for this user: the referee runs at normal priority.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (ListeningOn().Match(line) is { Success: true } match)
                {
                    // Keep draining the output so that the child never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return new SimulatorProcess(process, new Uri(match.Groups[1].Value.TrimEnd('/') + "/"), contentRoot);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The simulator process did not report its address: " + await process.StandardError.ReadToEndAsync(CancellationToken.None));
    }

    /// <summary>Sets a number's throughput through the control API.</summary>
    public async Task SetMessagesPerSecondAsync(string phoneNumberId, int messagesPerSecond)
    {
        using var response = await _http.PutAsJsonAsync($"_sim/phone-numbers/{phoneNumberId}", new { messages_per_second = messagesPerSecond });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A number's statistics from the control API.</summary>
    public async Task<JsonElement> StatsAsync(string phoneNumberId) =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri($"_sim/phone-numbers/{phoneNumberId}/stats", UriKind.Relative))).RootElement;

    /// <summary>When each accepted message of a number arrived, in order.</summary>
    public async Task<List<DateTimeOffset>> ArrivalsAsync(string phoneNumberId) => [.. (await LedgerAsync(phoneNumberId)).Select(e => e.ReceivedAt)];

    /// <summary>Each message of a number the simulator accepted: to whom (its WhatsApp id) and when it arrived, in order of arrival.</summary>
    public async Task<List<(string WaId, DateTimeOffset ReceivedAt)>> LedgerAsync(string phoneNumberId)
    {
        var ledger = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"_sim/ledger?phone_number_id={phoneNumberId}", UriKind.Relative))).RootElement;
        return [.. ledger.EnumerateArray().Select(e => (e.GetProperty("wa_id").GetString()!, e.GetProperty("received_at").GetDateTimeOffset())).OrderBy(e => e.Item2)];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_contentRoot, recursive: true);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
