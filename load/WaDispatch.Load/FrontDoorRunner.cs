using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using WaDispatch.Grpc.V1;

namespace WaDispatch.Load;

/// <summary>The front-door scenario: steps of injection on the Cloud API-compatible route.</summary>
/// <param name="Steps">The steps, in order; each is measured after its warm-up.</param>
/// <param name="CeilingShares">When set, the open-model rates are these shares of the simulator-alone ceiling measured first in the same run.</param>
/// <param name="WarmUp">The first stretch of each step, excluded from its results.</param>
/// <param name="Numbers">How many business numbers the requests are spread over (tiers they cannot reach).</param>
internal sealed record FrontDoorScenario(IReadOnlyList<Injection> Steps, IReadOnlyList<double>? CeilingShares, TimeSpan WarmUp, int Numbers = 10)
{
    /// <summary>The Cloud API route over HTTP, or its gRPC twin <c>SendNow</c>.</summary>
    public LoadDriver Driver { get; init; }

    /// <summary>Whether the referee posts status webhooks back (three per message).</summary>
    public bool Webhooks { get; init; } = true;

    /// <summary>Extra silo settings.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Concurrency of the simulator-alone ceiling measurement.</summary>
    public int CeilingConcurrency { get; init; } = 64;

    /// <summary>How long the ceiling is measured.</summary>
    public TimeSpan CeilingDuration { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>One step's results.</summary>
/// <param name="Label">The injection, e.g. "open 500 mps".</param>
/// <param name="TargetMps">The rate asked for (open model).</param>
/// <param name="AchievedMps">Answers with Meta's 200 per second over the measured stretch.</param>
/// <param name="Latency">Request to answer (to Meta's acceptance, upstream included), from the request's scheduled start.</param>
/// <param name="Added">The answer's time less Meta's (the silo's <c>Server-Timing: upstream</c>): WaDispatch's own.</param>
/// <param name="Errors">Answers other than 200, by HTTP status and Cloud API code.</param>
/// <param name="Unsent">Requests the open model could not start (too many outstanding).</param>
internal sealed record StepResult(string Label, double? TargetMps, double AchievedMps, IReadOnlyList<(string Label, TimeSpan Value)> Latency, IReadOnlyList<(string Label, TimeSpan Value)> Added, IReadOnlyDictionary<string, long> Errors, long Unsent)
{
    /// <summary>Where WaDispatch's share went (the silo's <c>Server-Timing</c> steps): each step's mean over every answer and over the slowest 1 %; empty over gRPC.</summary>
    public IReadOnlyList<(string Name, TimeSpan All, TimeSpan Slowest)> Phases { get; init; } = [];

    /// <summary>How long the silo was paused in garbage collections during the measured stretch.</summary>
    public TimeSpan SiloGcPause { get; init; }

    /// <summary>How long the harness (and the referee in it) was paused in garbage collections during the measured stretch.</summary>
    public TimeSpan HarnessGcPause { get; init; }

    /// <summary>p99 of the whole answer time.</summary>
    public TimeSpan P99 => Latency[2].Value;

    /// <summary>p99 of WaDispatch's own time.</summary>
    public TimeSpan AddedP99 => Added[2].Value;
}

/// <summary>The front-door run.</summary>
internal sealed record FrontDoorResult(FrontDoorScenario Scenario, DateTimeOffset StartedAt, double SimulatorAloneMps, IReadOnlyList<StepResult> Steps, TimeSpan SiloCpu, long SiloPeakWorkingSet, string Machine)
{
    /// <summary>The first step whose p99 passed 50 ms, if any.</summary>
    public StepResult? Knee => Steps.FirstOrDefault(s => s.P99 > TimeSpan.FromMilliseconds(50));
}

/// <summary>
/// Drives <c>POST /{version}/{phone_number_id}/messages</c> (the Cloud API-compatible route: each answer comes after
/// Meta's) in steps of rising load, each request to a recipient of its own on numbers whose tiers cannot be
/// reached, and measures the answer time and WaDispatch's share of it per step, beside the simulator's own ceiling.
/// </summary>
internal sealed class FrontDoorRunner(Action<string> status)
{
    public async Task<FrontDoorResult> RunAsync(FrontDoorScenario scenario, CancellationToken cancellationToken)
    {
        status("starting the simulator and the silo");
        await using var rig = await LoadRig.StartAsync(scenario.Webhooks, scenario.SiloSettings);
        var numbers = Enumerable.Range(0, scenario.Numbers).Select(i => string.Create(CultureInfo.InvariantCulture, $"1065403523{i:D5}")).ToArray();
        foreach (var number in numbers)
        {
            await rig.SetTierAsync(number, 100_000, cancellationToken);
        }

        status("measuring the simulator alone");
        var ceiling = await rig.CeilingAsync(scenario.CeilingConcurrency, scenario.CeilingDuration, cancellationToken);
        var steps = scenario.CeilingShares is { } shares
            ? [.. shares.Select(share => (Injection)new Injection.Constant(Math.Max(1, share * ceiling), scenario.Steps[0].Duration))]
            : scenario.Steps;

        var startedAt = DateTimeOffset.UtcNow;
        var cpuBefore = rig.Silo.ProcessorTime;
        var results = new List<StepResult>();
        var sequence = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = rig.Silo.SampleEverySecondAsync(sampling.Token);
        foreach (var step in steps)
        {
            status($"{step.Label}: warming up");
            var warm = step with { Duration = scenario.WarmUp };
            await warm.RunAsync(_ => SendAsync(rig, scenario.Driver, numbers, Interlocked.Increment(ref sequence), null, cancellationToken), cancellationToken);

            status($"{step.Label}: measuring for {step.Duration.TotalSeconds:0} s");
            var measure = new Measure();
            var siloPaused = await rig.GcPauseAsync(cancellationToken);
            var harnessPaused = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            var unsent = await step.RunAsync(due => SendAsync(rig, scenario.Driver, numbers, Interlocked.Increment(ref sequence), (measure, due), cancellationToken), cancellationToken);
            var seconds = Math.Max(step.Duration.TotalSeconds, clock.Elapsed.TotalSeconds);
            results.Add(new StepResult(step.Label, step.TargetRate, measure.Sent / seconds, measure.Latency.Summary(), measure.Added.Summary(), measure.Errors, unsent)
            {
                Phases = measure.Phases.Means(),
                SiloGcPause = await rig.GcPauseAsync(cancellationToken) - siloPaused,
                HarnessGcPause = GC.GetTotalPauseDuration() - harnessPaused,
            });

            // Let the last answers and their webhooks settle before the next step.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        await sampling.CancelAsync();
        await sampler;
        return new FrontDoorResult(scenario with { Steps = steps }, startedAt, ceiling, results, rig.Silo.ProcessorTime - cpuBefore, rig.Silo.PeakWorkingSet, LoadRig.Machine);
    }

    private static async Task SendAsync(LoadRig rig, LoadDriver driver, string[] numbers, long sequence, (Measure Measure, long Due)? measured, CancellationToken cancellationToken)
    {
        var late = measured is { } due ? Stopwatch.GetElapsedTime(due.Due) : TimeSpan.Zero;
        var number = numbers[sequence % numbers.Length];
        var to = string.Create(CultureInfo.InvariantCulture, $"17{sequence:D9}");
        var (outcome, timings) = driver == LoadDriver.Grpc
            ? await SendNowAsync(rig.GrpcFor((int)(sequence % int.MaxValue)), number, to, cancellationToken)
            : await PostAsync(rig.Front, number, to, cancellationToken);
        if (measured is { } m)
        {
            m.Measure.Record(outcome, Stopwatch.GetElapsedTime(m.Due), timings, late);
        }
    }

    /// <summary>One send through <c>SendNow</c>: "200" when Meta accepted it, else the refusal's code; and Meta's share of the time (as the <c>upstream</c> step).</summary>
    private static async Task<(string Outcome, IReadOnlyDictionary<string, double>? Timings)> SendNowAsync(Dispatcher.DispatcherClient silo, string number, string to, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await silo.SendNowAsync(new SendNowRequest { PhoneNumberId = number, Message = LoadRunner.GrpcMessage(number, to).Message }, cancellationToken: cancellationToken);
            var upstream = reply.UpstreamMs > 0 ? new Dictionary<string, double> { ["upstream"] = reply.UpstreamMs } : null;
            return reply.Wamid.Length > 0 ? ("200", upstream) : (string.Create(CultureInfo.InvariantCulture, $"gRPC code {reply.Error?.Code}"), upstream);
        }
        catch (RpcException ex)
        {
            return ($"gRPC {ex.StatusCode}", null);
        }
    }

    /// <summary>One send through the Cloud API route: "200", or the answer's status and code; and the silo's <c>Server-Timing</c> steps.</summary>
    private static async Task<(string Outcome, IReadOnlyDictionary<string, double>? Timings)> PostAsync(HttpClient front, string number, string to, CancellationToken cancellationToken)
    {
        string outcome;
        IReadOnlyDictionary<string, double>? timings = null;
        try
        {
            using var response = await front.PostAsJsonAsync($"v21.0/{number}/messages", LoadRig.Template(to), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                outcome = "200";
                if (response.Headers.TryGetValues("Server-Timing", out var headers))
                {
                    timings = Phases.Parse(string.Join(", ", headers));
                }
            }
            else
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                var code = body.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var c) ? c.GetInt32().ToString(CultureInfo.InvariantCulture) : "?";
                outcome = $"HTTP {(int)response.StatusCode} code {code}";
            }
        }
        catch (HttpRequestException ex)
        {
            outcome = $"transport {ex.HttpRequestError}";
        }

        return (outcome, timings);
    }

    /// <summary>One step's recordings.</summary>
    private sealed class Measure
    {
        private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
        private long _sent;

        public LatencyHistogram Latency { get; } = new();

        public LatencyHistogram Added { get; } = new();

        public Phases Phases { get; } = new();

        public long Sent => Interlocked.Read(ref _sent);

        public IReadOnlyDictionary<string, long> Errors
        {
            get
            {
                lock (_errors)
                {
                    return new Dictionary<string, long>(_errors, StringComparer.Ordinal);
                }
            }
        }

        public void Record(string outcome, TimeSpan latency, IReadOnlyDictionary<string, double>? timings, TimeSpan late)
        {
            if (outcome != "200")
            {
                lock (_errors)
                {
                    _errors[outcome] = _errors.GetValueOrDefault(outcome) + 1;
                }

                return;
            }

            Interlocked.Increment(ref _sent);
            Latency.Record(latency);
            // Without Meta's share named, all of it counts as WaDispatch's.
            var added = timings is not null && timings.TryGetValue("upstream", out var upstream) ? latency - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(upstream).Ticks, latency.Ticks)) : latency;
            Added.Record(added);
            if (timings is not null)
            {
                Phases.Record(added, timings, late);
            }
        }
    }
}
