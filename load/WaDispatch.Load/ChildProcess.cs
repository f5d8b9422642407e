using System.Diagnostics;
using System.Text.RegularExpressions;

namespace WaDispatch.Load;

/// <summary>A .NET app of this folder (the silo, the simulator) in a process of its own, so the harness and the referee never share its pauses.</summary>
internal sealed partial class ChildProcess : IAsyncDisposable, ISiloUnderTest
{
    private readonly Process _process;
    private long _peakWorkingSet;

    private ChildProcess(Process process, Uri address, string log)
    {
        _process = process;
        Address = address;
        Log = log;
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>The file its standard output and error go to (warnings and errors; the harness lowers the log level).</summary>
    public string Log { get; }

    /// <summary>CPU time used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The largest working set sampled by <see cref="Sample"/>.</summary>
    public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);

    /// <summary>Starts <paramref name="dll"/> (next to the harness) listening on <paramref name="port"/>, with <paramref name="arguments"/>, and <paramref name="environment"/> set after the harness's own variables (so it can override them).</summary>
    public static async Task<ChildProcess> StartAsync(string dll, int port, IEnumerable<string> arguments, bool serverGc, bool highPriority, IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, dll);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Idle thread-pool workers spin (sched_yield) before they sleep. With the silo, the referee and the harness on
        // one small machine, that spinning took a third of the silo's CPU at 80 mps and starved the referee into
        // counting bunched arrivals (130429s). Measured both ways; see docs/load.md.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        if (serverGc)
        {
            start.Environment["DOTNET_gcServer"] = "1";
        }

        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        var contentRoot = Directory.CreateTempSubdirectory("wadispatch-load-").FullName;
        foreach (var argument in (string[])["exec", path, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        if (dll.Contains("Simulator", StringComparison.Ordinal))
        {
            // The simulator must not read the silo's appsettings.json that sits in this folder too.
            start.ArgumentList.Add("--contentRoot");
            start.ArgumentList.Add(contentRoot);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        if (highPriority)
        {
            try
            {
                process.PriorityClass = ProcessPriorityClass.High;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not permitted: normal priority.
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ListeningOn().IsMatch(line))
            {
                var log = Path.Combine(contentRoot, "output.log");
                var file = new FileStream(log, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
                _ = Task.WhenAll(process.StandardOutput.BaseStream.CopyToAsync(file), process.StandardError.BaseStream.CopyToAsync(file)).ContinueWith(_ => file.Dispose(), TaskScheduler.Default);
                return new ChildProcess(process, new Uri($"http://127.0.0.1:{port}/"), log);
            }
        }

        throw new InvalidOperationException($"{dll} exited before listening: {await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>The working set now.</summary>
    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Samples the working set (call about once a second).</summary>
    public void Sample()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The process exited with code {_process.ExitCode}; its output is in {Log}.");
        }

        _process.Refresh();
        AtomicMax.Raise(ref _peakWorkingSet, _process.WorkingSet64);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: http://")]
    private static partial Regex ListeningOn();
}
