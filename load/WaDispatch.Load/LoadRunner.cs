using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using WaDispatch.Grpc.V1;

namespace WaDispatch.Load;

/// <summary>
/// Runs a <see cref="Scenario"/>: starts the simulator (the referee, in a process of its own at high priority)
/// and the silo (in another; or several, a cluster, whose front doors take the batches in turn), configures each number's tier on both, hands every number its backlog through
/// <c>POST /v1/messages/batch</c>, waits until the referee has accepted it all, and computes from the
/// referee's own arrival timestamps the steady rate, the fullest sliding second and the windows over the tier.
/// </summary>
internal sealed class LoadRunner
{
    private const int BatchSize = 1000;
    private const int SubmitConcurrency = 4;

    /// <summary>How much longer than its deadline a run waits for its status webhooks to reach the silo.</summary>
    private static readonly TimeSpan WebhookDrainLimit = TimeSpan.FromMinutes(5);

    private readonly Action<string> _status;

    /// <summary>Creates a runner that reports progress through <paramref name="status"/>.</summary>
    public LoadRunner(Action<string> status) => _status = status;

    /// <summary>Runs <paramref name="scenario"/> and returns what the referee counted.</summary>
    public async Task<LoadResult> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        _status("starting the simulator and the silo");
        await using var rig = await LoadRig.StartAsync(scenario.Webhooks, scenario.SiloSettings, scenario.Embedded, scenario.Silos, scenario.Postgres);
        foreach (var number in scenario.Numbers)
        {
            await rig.SetTierAsync(number.PhoneNumberId, number.TierMps, cancellationToken);
        }

        double? ceiling = null;
        if (scenario.CeilingConcurrency is { } concurrency)
        {
            _status("measuring the simulator alone");
            ceiling = await rig.CeilingAsync(concurrency, scenario.Steady, cancellationToken);
        }

        var jitBefore = await rig.JitTimeAsync(cancellationToken);
        var startedAt = DateTimeOffset.UtcNow;
        var baseWorkingSet = rig.Silo.WorkingSet;
        var cpuBefore = rig.Silo.ProcessorTime;
        var refereeBefore = rig.RefereeProcessorTime;
        var harnessBefore = LoadRig.HarnessProcessorTime;
        var admission = new LatencyHistogram();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consoles = Enumerable.Range(0, scenario.ConsoleWatchers).Select(_ => rig.WatchConsoleAsync(watching.Token)).ToList();
        var submitting = SubmitAsync(scenario, rig, admission, errors, cancellationToken);
        var planned = scenario.Numbers.Sum(scenario.Backlog);
        var deadline = TimeSpan.FromSeconds(60) + ((scenario.Steady + scenario.WarmUp) * 3);
        long accepted;
        (long Messages, long WorkingSet) largestBacklog = (0, 0);
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            rig.Silo.Sample();
            accepted = 0;
            foreach (var number in scenario.Numbers)
            {
                accepted += (await rig.StatsAsync(number.PhoneNumberId, cancellationToken)).GetProperty("accepted_total").GetInt64();
            }

            var backlog = (admission.Count * BatchSize) - accepted;
            if (backlog > largestBacklog.Messages)
            {
                largestBacklog = (backlog, rig.Silo.WorkingSet);
            }

            _status($"{clock.Elapsed:mm\\:ss} accepted by the referee {accepted:N0} of {planned:N0}; submitted {admission.Count * BatchSize:N0}");
        }
        while (accepted < planned && clock.Elapsed < deadline);

        await submitting;

        // The consoles watch the sends; they stop here so that the wait below costs the silo only its webhooks.
        await watching.CancelAsync();
        var consoleRefreshes = (await Task.WhenAll(consoles)).Sum();

        // A message's cost includes its status webhooks (sent, delivered, read; the last a second after the send): once
        // the referee has accepted every message, the run waits until it has no webhook left to post and the silo has
        // applied every one it posted, for at most WebhookDrainLimit past the deadline. A run that missed its deadline
        // does not wait: the silo is still sending, and its counts are read as they stand.
        RefereeWebhooks? webhooks = null;
        var cpuAtLastSend = rig.Silo.ProcessorTime - cpuBefore;
        var draining = Stopwatch.StartNew();
        if (scenario.Webhooks)
        {
            webhooks = await rig.RefereeWebhooksAsync(cancellationToken);
            while (accepted >= planned && !webhooks.Settled && clock.Elapsed < deadline + WebhookDrainLimit)
            {
                _status($"{clock.Elapsed:mm\\:ss} waiting for the referee's status webhooks to reach the silo: {webhooks.Pending:N0} still to post, {webhooks.Delivered:N0} posted{(webhooks.Applied is { } applied ? $", {applied:N0} applied" : "")}");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                rig.Silo.Sample();
                webhooks = await rig.RefereeWebhooksAsync(cancellationToken);
            }
        }

        var drain = draining.Elapsed;

        // The run's time is read with its CPU, before the referee's counts are collected: cores are CPU over this time
        // (both include the wait for the webhooks).
        var elapsed = clock.Elapsed;
        var cpu = rig.Silo.ProcessorTime - cpuBefore;
        var refereeCpu = rig.RefereeProcessorTime - refereeBefore;
        var harnessCpu = LoadRig.HarnessProcessorTime - harnessBefore;
        var jit = await rig.JitTimeAsync(cancellationToken) - jitBefore;
        _status("collecting the referee's counts");
        var numbers = new List<NumberResult>();
        var first = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        foreach (var number in scenario.Numbers)
        {
            var stats = await rig.StatsAsync(number.PhoneNumberId, cancellationToken);
            var arrivals = await rig.ArrivalsAsync(number.PhoneNumberId, cancellationToken);
            if (arrivals.Count > 0)
            {
                first = arrivals[0] < first ? arrivals[0] : first;
                last = arrivals[^1] > last ? arrivals[^1] : last;
            }

            numbers.Add(Measure(scenario, number, stats, arrivals));
        }

        var span = last > first ? (last - first).TotalSeconds : 1;
        return new LoadResult
        {
            Scenario = scenario,
            StartedAt = startedAt,
            Elapsed = elapsed,
            Numbers = numbers,
            ThroughputMps = numbers.Sum(n => n.Accepted) / span,
            Admission = admission.Summary(),
            Errors = errors,
            SiloCpu = cpu,
            RefereeCpu = refereeCpu,
            HarnessCpu = harnessCpu,
            ConsoleRefreshes = consoleRefreshes,
            SiloPeakWorkingSet = rig.Silo.PeakWorkingSet,
            SiloBaseWorkingSet = baseWorkingSet,
            LargestBacklog = largestBacklog,
            SiloGcCollections = await rig.GcCollectionsAsync(cancellationToken),
            SiloAllocatedBytes = await rig.AllocatedAsync(cancellationToken),
            RefereeWebhooks = webhooks,
            WebhookDrain = drain,
            SiloCpuAtLastSend = cpuAtLastSend,
            SiloJitTime = jit,
            Webhooks = await rig.WebhookLagAsync(cancellationToken),
            DepartureWaits = await rig.DepartureWaitsAsync(cancellationToken),
            SimulatorAloneMps = ceiling,
            Machine = LoadRig.Machine,
        };
    }

    /// <summary>The numbers' backlogs in batches of 1,000, a few requests at a time, interleaving the numbers.</summary>
    private static async Task SubmitAsync(Scenario scenario, LoadRig rig, LatencyHistogram admission, Dictionary<string, long> errors, CancellationToken cancellationToken)
    {
        var batches = scenario.Numbers
            .SelectMany((number, n) => Enumerable.Range(0, (scenario.Backlog(number) + BatchSize - 1) / BatchSize)
                .Select(b => (number, n, first: b * BatchSize, count: Math.Min(BatchSize, scenario.Backlog(number) - (b * BatchSize)))))
            .OrderBy(b => b.first)
            .ThenBy(b => b.n)
            .Select((b, i) => (b.number, b.n, b.first, b.count, front: rig.FrontFor(i), index: i))
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = SubmitConcurrency, CancellationToken = cancellationToken }, async (batch, token) =>
        {
            var messages = Enumerable.Range(batch.first, batch.count).Select(i => (batch.number.PhoneNumberId, To: string.Create(CultureInfo.InvariantCulture, $"1{batch.n:D3}{i:D7}"))).ToList();
            var started = Stopwatch.GetTimestamp();
            var (refused, key) = scenario.Driver switch
            {
                LoadDriver.Embedded => (await rig.Embedded!.EnqueueAsync(messages, token), "embedded"),
                LoadDriver.Grpc => await StreamAsync(rig.GrpcFor(batch.index), messages, null, token),
                _ => await PostAsync(batch.front, messages, token),
            };
            admission.Record(Stopwatch.GetElapsedTime(started));
            if (refused > 0)
            {
                lock (errors)
                {
                    errors[key] = errors.GetValueOrDefault(key) + refused;
                }
            }
        });
    }

    /// <summary>One batch through <c>POST /v1/messages/batch</c>: how many were refused, and the answer's status.</summary>
    public static async Task<(int Refused, string Status)> PostAsync(HttpClient silo, List<(string PhoneNumberId, string To)> batch, CancellationToken cancellationToken)
    {
        var messages = batch.Select(m => new { phone_number_id = m.PhoneNumberId, message = LoadRig.Template(m.To) });
        using var response = await silo.PostAsJsonAsync("v1/messages/batch", new { messages }, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var refused = answer.TryGetProperty("refused", out var r) ? r.GetInt32() : batch.Count;
        return (response.IsSuccessStatusCode ? refused : Math.Max(1, refused), $"HTTP {(int)response.StatusCode}");
    }

    /// <summary>
    /// One batch as one <c>SendMessages</c> stream: written while its answers are read (the server's window holds the
    /// writer back), each answer's latency from its message's write recorded in <paramref name="perMessage"/> when given.
    /// </summary>
    public static async Task<(int Refused, string Status)> StreamAsync(Dispatcher.DispatcherClient silo, List<(string PhoneNumberId, string To)> batch, LatencyHistogram? perMessage, CancellationToken cancellationToken)
    {
        var written = new long[batch.Count];
        using var call = silo.SendMessages(cancellationToken: cancellationToken);
        var writing = Task.Run(
            async () =>
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    written[i] = Stopwatch.GetTimestamp();
                    await call.RequestStream.WriteAsync(GrpcMessage(batch[i].PhoneNumberId, batch[i].To), cancellationToken);
                }

                await call.RequestStream.CompleteAsync();
            },
            cancellationToken);
        var refused = 0;
        var answered = 0;
        await foreach (var result in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            answered++;
            if (result.OutcomeCase != SendMessagesResult.OutcomeOneofCase.Accepted)
            {
                refused++;
            }

            perMessage?.Record(Stopwatch.GetElapsedTime(written[result.Index]));
        }

        await writing;
        return (refused + (batch.Count - answered), "gRPC");
    }

    /// <summary>The template every scenario sends, as protobuf.</summary>
    public static SendMessageRequest GrpcMessage(string phoneNumberId, string to) => new()
    {
        PhoneNumberId = phoneNumberId,
        Message = new Message { To = to, Template = new Template { Name = "hello_world", Language = new Template.Types.Language { Code = "en_US" } } },
    };

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

        var rateLimited = LoadRig.RateLimited(stats);
        return new NumberResult(number.PhoneNumberId, number.TierMps, scenario.Backlog(number), stats.GetProperty("accepted_total").GetInt64(), steady, stats.GetProperty("max_in_sliding_second").GetInt32(), over, rateLimited, perSecond);
    }
}
