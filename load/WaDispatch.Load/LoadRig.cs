using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Grpc.Net.Client;
using WaDispatch.Grpc.V1;
using WaDispatch.Simulator;

namespace WaDispatch.Load;

/// <summary>
/// What every scenario runs against: the simulator (the referee, in a process of its own at high priority) and the
/// silo (in another, on SQLite in a temporary folder), with HTTP clients for the silo's front door and the
/// referee's control API.
/// </summary>
internal sealed class LoadRig : IAsyncDisposable
{
    /// <summary>The webhook secret the referee signs with and the silo checks.</summary>
    public const string AppSecret = "load-harness-secret";

    /// <summary>Connections the harness opens to the silo, and to the referee, at most.</summary>
    public const int MaxConnections = 512;

    private readonly ChildProcess _simulator;
    private readonly IReadOnlyList<ChildProcess> _silos;
    private readonly DirectoryInfo _data;
    private readonly LoadDatabase? _database;
    private readonly IReadOnlyList<HttpClient> _fronts;
    private readonly IReadOnlyList<GrpcChannel> _channels;
    private readonly IReadOnlyList<Dispatcher.DispatcherClient> _grpc;

    private LoadRig(ChildProcess simulator, IReadOnlyList<ChildProcess> silos, IReadOnlyList<int> grpcPorts, EmbeddedWaDispatch? embedded, DirectoryInfo data, LoadDatabase? database)
    {
        _simulator = simulator;
        _silos = silos;
        Embedded = embedded;
        _data = data;
        _database = database;

        // A bounded connection pool, as a real client has: requests beyond it wait in the client (and an open model's
        // latency counts that wait). Unbounded, an overload step opened a socket per outstanding request and ran
        // the harness and the silo out of file descriptors.
        _fronts = [.. silos.Select(silo => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxConnections }) { BaseAddress = silo.Address, Timeout = TimeSpan.FromMinutes(10) })];
        Referee = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxConnections }) { BaseAddress = simulator.Address, Timeout = TimeSpan.FromMinutes(10) };

        // One channel per silo; HTTP/2 multiplexes the calls, and opens more connections when one's streams are all busy.
        _channels = [.. grpcPorts.Select(port => GrpcChannel.ForAddress(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            MaxReceiveMessageSize = 16 << 20,
        }))];
        _grpc = [.. _channels.Select(channel => new Dispatcher.DispatcherClient(channel))];
        Silo = silos.Count == 1 ? silos[0] : new Cluster(silos);
    }

    /// <summary>
    /// The first silo's front door (its settings routes, its metrics, the referee's webhooks; the messages too unless the
    /// run drives the embedded client).
    /// </summary>
    public HttpClient Front => _fronts[0];

    /// <summary>The front door the <paramref name="index"/>th request goes to: the silos in turn (any silo takes any request).</summary>
    public HttpClient FrontFor(int index) => _fronts[index % _fronts.Count];

    /// <summary>The gRPC front door the <paramref name="index"/>th call goes to: the silos' gRPC ports in turn.</summary>
    public Dispatcher.DispatcherClient GrpcFor(int index) => _grpc[index % _grpc.Count];

    /// <summary>The referee (the simulator): Meta's routes and its <c>_sim</c> control API.</summary>
    public HttpClient Referee { get; }

    /// <summary>The referee's CPU time so far.</summary>
    public TimeSpan RefereeProcessorTime => _simulator.ProcessorTime;

    /// <summary>The harness's own CPU time so far (the embedded client included when the run drives it).</summary>
    public static TimeSpan HarnessProcessorTime
    {
        get
        {
            using var self = Process.GetCurrentProcess();
            return self.TotalProcessorTime;
        }
    }

    /// <summary>The embedded client (an Orleans client of the silo in this process), when the run drives it; null when it drives the HTTP front door.</summary>
    public EmbeddedWaDispatch? Embedded { get; }

    /// <summary>Where WaDispatch runs: CPU time, working set (of all its silos together).</summary>
    public ISiloUnderTest Silo { get; }

    /// <summary>The machine, for reports.</summary>
    public static string Machine => $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";

    /// <summary>
    /// Starts the referee and the silo (or <paramref name="silos"/> of them, a cluster on a fresh database made from
    /// <paramref name="postgres"/>), and connects the embedded client to the first silo when <paramref name="embedded"/>;
    /// the referee posts status webhooks to the first silo when <paramref name="webhooks"/>.
    /// </summary>
    public static async Task<LoadRig> StartAsync(bool webhooks, IReadOnlyDictionary<string, string> siloSettings, bool embedded = false, int silos = 1, string? postgres = null)
    {
        if (silos > 1 && postgres is null)
        {
            throw new ArgumentException("A cluster of silos runs on PostgreSQL: give --postgres a connection string.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(webhooks, siloSettings, embedded, silos, postgres);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // A port found free was taken by another process before a child bound it (seconds pass while the
                // referee starts): start everything again on fresh ports.
            }
        }
    }

    /// <summary>
    /// A silo setting named <c>DOTNET_…</c> or <c>MALLOC_…</c> is a runtime variable (a GC knob such as
    /// <c>DOTNET_GCgen0size</c>, or glibc's <c>MALLOC_ARENA_MAX</c>), set in each silo's environment rather than given as an argument.
    /// </summary>
    private static bool IsRuntimeVariable(string key) => key.StartsWith("DOTNET_", StringComparison.Ordinal) || key.StartsWith("MALLOC_", StringComparison.Ordinal);

    private static async Task<LoadRig> StartOnceAsync(bool webhooks, IReadOnlyDictionary<string, string> siloSettings, bool embedded, int silos, string? postgres)
    {
        // Every port at once, so no two are the same: the simulator's, then each silo's HTTP, Orleans, gateway and gRPC.
        var ports = LoopbackPorts.Free(1 + (4 * silos));
        var simulatorPort = ports[0];
        int SiloPort(int silo, int which) => ports[1 + (4 * silo) + which];
        var siloPort = SiloPort(0, 0);
        var gatewayPort = SiloPort(0, 2);
        var grpcPorts = Enumerable.Range(0, silos).Select(i => SiloPort(i, 3)).ToArray();
        var data = Directory.CreateTempSubdirectory("wadispatch-load-data-");
        // The referee drops webhooks past 100,000 waiting by default (a receiver that is down): max-throughput's 100,000
        // messages passed that within 20 s, and it dropped two thirds of their statuses, so the silo's CPU counted a
        // few per cent of them. Every rig with webhooks keeps them all instead, as Meta does (up to 10,000,000): the
        // referee's memory grows with those waiting, each held as its JSON body until the silo takes it; a backlog
        // run waits for them (LoadRunner).
        string[] webhookUrl = webhooks ? ["--Simulator:WebhookUrl", $"http://127.0.0.1:{siloPort}/webhooks/whatsapp", "--Simulator:MaxPendingWebhooks", "10000000"] : [];
        var database = postgres is null ? null : await LoadDatabase.CreateAsync(postgres);
        string[] storage = database is null
            ? ["--Storage:ConnectionString", $"Data Source={Path.Combine(data.FullName, "load.db")}"]
            : ["--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", database.ConnectionString, "--Orleans:Membership", "AdoNet", "--Orleans:AdvertisedAddress", "127.0.0.1"];
        var started = new List<ChildProcess>();
        ChildProcess? simulator = null;
        try
        {
            simulator = await ChildProcess.StartAsync("WaDispatch.Simulator.Host.dll", simulatorPort, ["--Simulator:AppSecret", AppSecret, .. webhookUrl], serverGc: true, highPriority: true);
            for (var i = 0; i < silos; i++)
            {
                started.Add(await ChildProcess.StartAsync("WaDispatch.Silo.dll", SiloPort(i, 0),
                [
                    .. storage,
                    "--Simulator:Enabled", "false",
                    "--CloudApi:BaseAddress", $"http://127.0.0.1:{simulatorPort}/",
                    "--Webhooks:AppSecret", AppSecret,
                    "--Budgets:DefaultTier", "TIER_UNLIMITED",
                    "--Api:RequestsPerSecond", "1000000",
                    "--Api:Burst", "1000000",
                    "--Orleans:SiloPort", SiloPort(i, 1).ToString(CultureInfo.InvariantCulture),
                    "--Orleans:GatewayPort", SiloPort(i, 2).ToString(CultureInfo.InvariantCulture),
                    "--Grpc:Port", grpcPorts[i].ToString(CultureInfo.InvariantCulture),
                    .. siloSettings.Where(setting => !IsRuntimeVariable(setting.Key)).SelectMany(setting => (string[])[$"--{setting.Key}", setting.Value]),
                ], serverGc: true, highPriority: false, siloSettings.Where(setting => IsRuntimeVariable(setting.Key))));
            }

            return new LoadRig(simulator, started, grpcPorts, embedded ? await EmbeddedWaDispatch.StartAsync(gatewayPort) : null, data, database);
        }
        catch
        {
            foreach (var silo in started)
            {
                await silo.DisposeAsync();
            }

            if (simulator is not null)
            {
                await simulator.DisposeAsync();
            }

            if (database is not null)
            {
                await database.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Plays one open console page until <paramref name="cancellationToken"/>: <c>GET /console/state</c> once a second,
    /// with the page's query, reading the whole answer. Returns how many refreshes it made.
    /// </summary>
    public async Task<int> WatchConsoleAsync(CancellationToken cancellationToken)
    {
        var refreshes = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                using var state = await Front.GetAsync(new Uri("console/state?q=&numbers_page=0&campaigns_page=0", UriKind.Relative), cancellationToken);
                state.EnsureSuccessStatusCode();
                await state.Content.ReadAsByteArrayAsync(cancellationToken);
                refreshes++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }

        return refreshes;
    }

    /// <summary>Gives <paramref name="phoneNumberId"/> the tier <paramref name="tierMps"/> at the referee and in the silo.</summary>
    public async Task SetTierAsync(string phoneNumberId, int tierMps, CancellationToken cancellationToken)
    {
        (await Referee.PutAsJsonAsync($"_sim/phone-numbers/{phoneNumberId}", new { messages_per_second = tierMps }, cancellationToken)).EnsureSuccessStatusCode();
        (await Front.PutAsJsonAsync($"v1/phone-numbers/{phoneNumberId}", new { throughput_mps = tierMps }, cancellationToken)).EnsureSuccessStatusCode();
    }

    /// <summary>The referee's counters for one number: accepted, the fullest sliding second, refusals by code.</summary>
    public async Task<JsonElement> StatsAsync(string phoneNumberId, CancellationToken cancellationToken) =>
        await Referee.GetFromJsonAsync<JsonElement>($"_sim/phone-numbers/{phoneNumberId}/stats", cancellationToken);

    /// <summary>When the referee accepted each of one number's messages, in order.</summary>
    public async Task<List<DateTimeOffset>> ArrivalsAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        var ledger = await Referee.GetFromJsonAsync<JsonElement>($"_sim/ledger?phone_number_id={phoneNumberId}", cancellationToken);
        return [.. ledger.EnumerateArray().Select(e => e.GetProperty("received_at").GetDateTimeOffset()).Order()];
    }

    /// <summary>
    /// The referee's status webhooks so far: delivered to the silo, given up, and waiting (for their delay or the silo);
    /// with the deliveries the (front) silo has applied, read after the referee's counts and only once it has none
    /// waiting (null before): a scrape of the silo's <c>/metrics</c> costs it tens of milliseconds with 100,000
    /// recipients activated (Orleans' activation gauges walk them), a few per cent of its CPU when read every second.
    /// </summary>
    public async Task<RefereeWebhooks> RefereeWebhooksAsync(CancellationToken cancellationToken)
    {
        var stats = await Referee.GetFromJsonAsync<JsonElement>("_sim/webhooks", cancellationToken);
        var pending = stats.GetProperty("pending").GetInt64();
        var applied = pending == 0 ? (await WebhookLagAsync(cancellationToken))?.Applied : null;
        return new RefereeWebhooks(stats.GetProperty("delivered").GetInt64(), stats.GetProperty("abandoned").GetInt64(), pending, applied);
    }

    /// <summary>130429s the referee answered one number, from its <paramref name="stats"/>.</summary>
    public static long RateLimited(JsonElement stats) =>
        stats.TryGetProperty("rejected_by_code", out var byCode) && byCode.TryGetProperty("130429", out var limited) ? limited.GetInt64() : 0;

    /// <summary>
    /// The referee's own ceiling on this machine: <paramref name="concurrency"/> loops sending Meta-shaped requests
    /// straight to it for <paramref name="duration"/>, on a number whose tier cannot be reached and whose messages get
    /// no status webhooks; accepted sends per second.
    /// </summary>
    public async Task<double> CeilingAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        const string number = "106540352299999";
        // No status webhooks for these: the ceiling is the cost of one request per message, and their webhooks would
        // otherwise reach the silo (as statuses of messages it never sent) while it is being measured.
        (await Referee.PutAsJsonAsync($"_sim/phone-numbers/{number}", new { messages_per_second = 1_000_000, status_webhooks = false }, cancellationToken)).EnsureSuccessStatusCode();
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async loop =>
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"v21.0/{number}/messages") { Content = JsonContent.Create(Template(string.Create(CultureInfo.InvariantCulture, $"19{loop:D3}{i:D7}"))) };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "simulator-token");
                using var response = await Referee.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref sent);
                }
            }
        }));
        return Interlocked.Read(ref sent) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The message every scenario sends: the simulator's <c>hello_world</c> template to <paramref name="to"/>.</summary>
    public static object Template(string to) =>
        new { messaging_product = "whatsapp", to, type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } };

    /// <summary>Webhook deliveries the silo applied and their mean lag from arrival to applied, from its Prometheus text.</summary>
    public async Task<(long Applied, TimeSpan MeanLag)?> WebhookLagAsync(CancellationToken cancellationToken)
    {
        var metrics = await MetricsAsync(cancellationToken);
        var count = Sum(metrics, "wadispatch_webhooks_lag_seconds_count");
        return ((long)count, count > 0 ? TimeSpan.FromSeconds(Sum(metrics, "wadispatch_webhooks_lag_seconds_sum") / count) : TimeSpan.Zero);
    }

    /// <summary>
    /// Sends that left the (front) silo's lanes, their mean wait from permit to departure and how many waited more than a
    /// second, from its <c>wadispatch_lane_departure_wait_seconds</c> histogram (null when none left).
    /// </summary>
    public async Task<(long Sends, TimeSpan Mean, long OverASecond)?> DepartureWaitsAsync(CancellationToken cancellationToken)
    {
        const string name = "wadispatch_lane_departure_wait_seconds";
        var metrics = await MetricsAsync(cancellationToken);
        var count = Sum(metrics, name + "_count");
        var withinASecond = Lines(metrics, name + "_bucket{").Where(l => l.Line.Contains("le=\"1\"", StringComparison.Ordinal)).ToList();
        // No bucket at one second (the silo's buckets changed): nothing to report rather than every send over it.
        return count > 0 && withinASecond.Count > 0 ? ((long)count, TimeSpan.FromSeconds(Sum(metrics, name + "_sum") / count), (long)(count - withinASecond.Sum(l => l.Value))) : null;
    }

    /// <summary>The silo's garbage collections by generation, from its Prometheus text.</summary>
    public async Task<Dictionary<string, double>> GcCollectionsAsync(CancellationToken cancellationToken)
    {
        return Lines(await MetricsAsync(cancellationToken), "dotnet_gc_collections_total{")
            .ToDictionary(l => l.Line[(l.Line.IndexOf('"', StringComparison.Ordinal) + 1)..l.Line.LastIndexOf('"')], l => l.Value, StringComparer.Ordinal);
    }

    /// <summary>The bytes the (front) silo has allocated on its managed heap since it started, from its Prometheus text (0 when not reported).</summary>
    public async Task<double> AllocatedAsync(CancellationToken cancellationToken) =>
        Sum(await MetricsAsync(cancellationToken), "dotnet_gc_heap_total_allocated_bytes_total");

    /// <summary>
    /// How long the (front) silo's JIT has spent compiling methods since it started (<c>dotnet.jit.compilation.time</c>,
    /// the runtime's own clock around each compilation), from its Prometheus text.
    /// </summary>
    public async Task<TimeSpan> JitTimeAsync(CancellationToken cancellationToken) =>
        TimeSpan.FromSeconds(Sum(await MetricsAsync(cancellationToken), "dotnet_jit_compilation_time_seconds_total"));

    /// <summary>How long the (front) silo has been paused in garbage collections since it started, from its Prometheus text.</summary>
    public async Task<TimeSpan> GcPauseAsync(CancellationToken cancellationToken) =>
        TimeSpan.FromSeconds(Sum(await MetricsAsync(cancellationToken), "dotnet_gc_pause_time_seconds_total{"));

    private Task<string> MetricsAsync(CancellationToken cancellationToken) => Front.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);

    /// <summary>The samples of the Prometheus text whose lines start with <paramref name="prefix"/>, summed over their labels.</summary>
    private static double Sum(string metrics, string prefix) => Lines(metrics, prefix).Sum(l => l.Value);

    private static IEnumerable<(string Line, double Value)> Lines(string metrics, string prefix) =>
        metrics.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => (l, double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)));

    public async ValueTask DisposeAsync()
    {
        foreach (var front in _fronts)
        {
            front.Dispose();
        }

        Referee.Dispose();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        if (Embedded is not null)
        {
            await Embedded.DisposeAsync();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await _simulator.DisposeAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary-file cleanup.
        }
    }

    /// <summary>The silos of a cluster as one place where WaDispatch runs: their CPU time and working sets added up.</summary>
    private sealed class Cluster(IReadOnlyList<ChildProcess> silos) : ISiloUnderTest
    {
        public TimeSpan ProcessorTime => silos.Aggregate(TimeSpan.Zero, (sum, silo) => sum + silo.ProcessorTime);

        public long PeakWorkingSet => silos.Sum(silo => silo.PeakWorkingSet);

        public long WorkingSet => silos.Sum(silo => silo.WorkingSet);

        public void Sample()
        {
            foreach (var silo in silos)
            {
                silo.Sample();
            }
        }
    }
}
