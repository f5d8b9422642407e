using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace WaDispatch.Load;

/// <summary>
/// Runs a <see cref="Scenario"/>: starts the simulator (the referee, in a process of its own at high priority)
/// and the silo (in another), configures each number's tier on both, hands every number its backlog through
/// <c>POST /v1/messages/batch</c>, waits until the referee has accepted it all, and computes from the
/// referee's own arrival timestamps the steady rate, the fullest sliding second and the windows over the tier.
/// </summary>
internal sealed class LoadRunner
{
    private const int BatchSize = 1000;
    private const int SubmitConcurrency = 4;
    private const string AppSecret = "load-harness-secret";

    private readonly Action<string> _status;

    /// <summary>Creates a runner that reports progress through <paramref name="status"/>.</summary>
    public LoadRunner(Action<string> status) => _status = status;

    /// <summary>Runs <paramref name="scenario"/> and returns what the referee counted.</summary>
    public async Task<LoadResult> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        var siloPort = ChildProcess.FreePort();
        var simulatorPort = ChildProcess.FreePort();
        var data = Directory.CreateTempSubdirectory("wadispatch-load-data-");
        _status("starting the simulator and the silo");
        string[] webhooks = scenario.Webhooks ? ["--Simulator:WebhookUrl", $"http://127.0.0.1:{siloPort}/webhooks/whatsapp"] : [];
        await using var simulator = await ChildProcess.StartAsync("WaDispatch.Simulator.Host.dll", simulatorPort, ["--Simulator:AppSecret", AppSecret, .. webhooks], serverGc: true, highPriority: true);
        await using var silo = await ChildProcess.StartAsync("WaDispatch.Silo.dll", siloPort,
        [
            "--Storage:ConnectionString", $"Data Source={Path.Combine(data.FullName, "load.db")}",
            "--Simulator:Enabled", "false",
            "--CloudApi:BaseAddress", $"http://127.0.0.1:{simulatorPort}/",
            "--Webhooks:AppSecret", AppSecret,
            "--Budgets:DefaultTier", "TIER_UNLIMITED",
            "--Api:RequestsPerSecond", "1000000",
            "--Api:Burst", "1000000",
            .. scenario.SiloSettings.SelectMany(setting => (string[])[$"--{setting.Key}", setting.Value]),
        ], serverGc: true, highPriority: false);
        using var front = new HttpClient { BaseAddress = silo.Address, Timeout = TimeSpan.FromMinutes(5) };
        using var referee = new HttpClient { BaseAddress = simulator.Address, Timeout = TimeSpan.FromMinutes(5) };

        foreach (var number in scenario.Numbers)
        {
            (await referee.PutAsJsonAsync($"_sim/phone-numbers/{number.PhoneNumberId}", new { messages_per_second = number.TierMps }, cancellationToken)).EnsureSuccessStatusCode();
            (await front.PutAsJsonAsync($"v1/phone-numbers/{number.PhoneNumberId}", new { throughput_mps = number.TierMps }, cancellationToken)).EnsureSuccessStatusCode();
        }

        double? ceiling = null;
        if (scenario.CeilingConcurrency is { } concurrency)
        {
            _status("measuring the simulator alone");
            ceiling = await CeilingAsync(referee, concurrency, scenario.Steady, cancellationToken);
        }

        var startedAt = DateTimeOffset.UtcNow;
        var cpuBefore = silo.ProcessorTime;
        var admission = new LatencyHistogram();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var submitting = SubmitAsync(scenario, front, admission, errors, cancellationToken);
        var planned = scenario.Numbers.Sum(scenario.Backlog);
        var deadline = TimeSpan.FromSeconds(60) + ((scenario.Steady + scenario.WarmUp) * 3);
        long accepted;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            silo.Sample();
            accepted = 0;
            foreach (var number in scenario.Numbers)
            {
                accepted += (await StatsAsync(referee, number, cancellationToken)).GetProperty("accepted_total").GetInt64();
            }

            _status($"{clock.Elapsed:mm\\:ss} accepted by the referee {accepted:N0} of {planned:N0}; submitted {admission.Count * BatchSize:N0}");
        }
        while (accepted < planned && clock.Elapsed < deadline);

        await submitting;
        var cpu = silo.ProcessorTime - cpuBefore;
        _status("collecting the referee's counts");
        var numbers = new List<NumberResult>();
        var first = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        foreach (var number in scenario.Numbers)
        {
            var stats = await StatsAsync(referee, number, cancellationToken);
            var arrivals = await ArrivalsAsync(referee, number, cancellationToken);
            if (arrivals.Count > 0)
            {
                first = arrivals[0] < first ? arrivals[0] : first;
                last = arrivals[^1] > last ? arrivals[^1] : last;
            }

            numbers.Add(Measure(scenario, number, stats, arrivals));
        }

        var metrics = await front.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
        var span = last > first ? (last - first).TotalSeconds : 1;
        return new LoadResult
        {
            Scenario = scenario,
            StartedAt = startedAt,
            Elapsed = clock.Elapsed,
            Numbers = numbers,
            ThroughputMps = numbers.Sum(n => n.Accepted) / span,
            Admission = [("p50", admission.Percentile(50)), ("p90", admission.Percentile(90)), ("p99", admission.Percentile(99)), ("p99.9", admission.Percentile(99.9)), ("max", admission.Max)],
            Errors = errors,
            SiloCpu = cpu,
            SiloPeakWorkingSet = silo.PeakWorkingSet,
            SiloGcCollections = GcCollections(metrics),
            SimulatorAloneMps = ceiling,
            Machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}",
        };
    }

    /// <summary>
    /// The referee's own ceiling on this machine: <paramref name="concurrency"/> loops sending Meta-shaped requests
    /// straight to it for <paramref name="duration"/>, on a number whose tier cannot be reached; accepted sends per second.
    /// </summary>
    private static async Task<double> CeilingAsync(HttpClient referee, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        const string number = "106540352299999";
        (await referee.PutAsJsonAsync($"_sim/phone-numbers/{number}", new { messages_per_second = 1_000_000 }, cancellationToken)).EnsureSuccessStatusCode();
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async loop =>
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"v21.0/{number}/messages")
                {
                    Content = JsonContent.Create(new { messaging_product = "whatsapp", to = string.Create(CultureInfo.InvariantCulture, $"19{loop:D3}{i:D7}"), type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } }),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "simulator-token");
                using var response = await referee.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref sent);
                }
            }
        }));
        return Interlocked.Read(ref sent) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The numbers' backlogs in batches of 1,000, a few requests at a time, interleaving the numbers.</summary>
    private static async Task SubmitAsync(Scenario scenario, HttpClient silo, LatencyHistogram admission, Dictionary<string, long> errors, CancellationToken cancellationToken)
    {
        var batches = scenario.Numbers
            .SelectMany((number, n) => Enumerable.Range(0, (scenario.Backlog(number) + BatchSize - 1) / BatchSize)
                .Select(b => (number, n, first: b * BatchSize, count: Math.Min(BatchSize, scenario.Backlog(number) - (b * BatchSize)))))
            .OrderBy(b => b.first)
            .ThenBy(b => b.n)
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = SubmitConcurrency, CancellationToken = cancellationToken }, async (batch, token) =>
        {
            var messages = Enumerable.Range(batch.first, batch.count).Select(i => new
            {
                phone_number_id = batch.number.PhoneNumberId,
                message = new { messaging_product = "whatsapp", to = string.Create(CultureInfo.InvariantCulture, $"1{batch.n:D3}{i:D7}"), type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } },
            });
            var started = Stopwatch.GetTimestamp();
            using var response = await silo.PostAsJsonAsync("v1/messages/batch", new { messages }, token);
            admission.Record(Stopwatch.GetElapsedTime(started));
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(token);
            var refused = answer.TryGetProperty("refused", out var r) ? r.GetInt32() : batch.count;
            if (!response.IsSuccessStatusCode || refused > 0)
            {
                lock (errors)
                {
                    var key = $"HTTP {(int)response.StatusCode}";
                    errors[key] = errors.GetValueOrDefault(key) + Math.Max(1, refused);
                }
            }
        });
    }

    private static NumberResult Measure(Scenario scenario, NumberPlan number, JsonElement stats, List<DateTimeOffset> arrivals)
    {
        var perSecond = arrivals.Count == 0 ? [] : arrivals.GroupBy(a => (int)(a - arrivals[0]).TotalSeconds).OrderBy(g => g.Key).Select(g => g.Count()).ToList();

        // Steady: the whole seconds after the warm-up, while the backlog lasted (the last partial second is the tail).
        double steady = 0;
        if (arrivals.Count > 0)
        {
            var from = arrivals[0] + scenario.WarmUp;
            var seconds = Math.Floor((arrivals[^1] - from).TotalSeconds);
            steady = seconds >= 1 ? arrivals.Count(a => a >= from && a < from + TimeSpan.FromSeconds(seconds)) / seconds : 0;
        }

        var over = 0;
        for (int i = 0, j = 0; i < arrivals.Count; i++)
        {
            while (arrivals[i] - arrivals[j] >= TimeSpan.FromSeconds(1))
            {
                j++;
            }

            over += i - j + 1 > number.TierMps ? 1 : 0;
        }

        var rateLimited = stats.TryGetProperty("rejected_by_code", out var byCode) && byCode.TryGetProperty("130429", out var limited) ? limited.GetInt64() : 0;
        return new NumberResult(number.PhoneNumberId, number.TierMps, scenario.Backlog(number), stats.GetProperty("accepted_total").GetInt64(), steady, stats.GetProperty("max_in_sliding_second").GetInt32(), over, rateLimited, perSecond);
    }

    private static async Task<JsonElement> StatsAsync(HttpClient referee, NumberPlan number, CancellationToken cancellationToken) =>
        await referee.GetFromJsonAsync<JsonElement>($"_sim/phone-numbers/{number.PhoneNumberId}/stats", cancellationToken);

    private static async Task<List<DateTimeOffset>> ArrivalsAsync(HttpClient referee, NumberPlan number, CancellationToken cancellationToken)
    {
        var ledger = await referee.GetFromJsonAsync<JsonElement>($"_sim/ledger?phone_number_id={number.PhoneNumberId}", cancellationToken);
        return [.. ledger.EnumerateArray().Select(e => e.GetProperty("received_at").GetDateTimeOffset()).Order()];
    }

    /// <summary>The silo's GC collections by generation, from its Prometheus text.</summary>
    private static Dictionary<string, double> GcCollections(string metrics) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal))
            .Select(l => (label: l[(l.IndexOf('"', StringComparison.Ordinal) + 1)..l.LastIndexOf('"')], value: double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))
            .ToDictionary(x => x.label, x => x.value, StringComparer.Ordinal);
}
