using System.Diagnostics;
using System.Globalization;

namespace WaDispatch.Load;

/// <summary>
/// The admission scenario: the same messages handed over through each driver in turn (HTTP <c>POST /v1/messages/batch</c>
/// in batches of 1,000; gRPC <c>SendMessages</c> streams of 1,000), each on a fresh silo, side by side in one run.
/// </summary>
/// <param name="Messages">Messages handed over per driver.</param>
/// <param name="Concurrency">Batches (HTTP requests or gRPC streams) under way at once.</param>
/// <param name="Drivers">The drivers, in the order they run.</param>
internal sealed record AdmissionScenario(int Messages, int Concurrency, IReadOnlyList<LoadDriver> Drivers)
{
    /// <summary>Extra silo settings.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Messages handed over first, unmeasured (cold code, connections).</summary>
    public int WarmUp { get; init; } = 5_000;
}

/// <summary>One driver's admission: how fast the front door took the messages durably, per message latency, and the silo's CPU.</summary>
/// <param name="Driver">The driver.</param>
/// <param name="Messages">Messages handed over (measured).</param>
/// <param name="Refused">Messages refused.</param>
/// <param name="Elapsed">From the first message handed over to the last answer.</param>
/// <param name="Latency">Per message, from its hand-over to its answer (an HTTP batch's messages all wait for the batch).</param>
/// <param name="SiloCpu">The silo's CPU time over <paramref name="Elapsed"/>.</param>
/// <param name="PeakWorkingSet">The silo's largest working set sampled.</param>
internal sealed record AdmissionResult(LoadDriver Driver, int Messages, int Refused, TimeSpan Elapsed, IReadOnlyList<(string Label, TimeSpan Value)> Latency, TimeSpan SiloCpu, long PeakWorkingSet)
{
    /// <summary>Messages accepted per second.</summary>
    public double AcceptedPerSecond => (Messages - Refused) / Elapsed.TotalSeconds;

    /// <summary>Silo CPU per message handed over.</summary>
    public TimeSpan CpuPerMessage => SiloCpu / Math.Max(1, Messages);
}

/// <summary>
/// Runs an <see cref="AdmissionScenario"/>. The ten numbers are given a tier of 1 mps and the referee posts no status
/// webhooks, so what the silo does meanwhile is the admission itself: validating, recording durably, queueing in the
/// lanes, answering.
/// </summary>
internal sealed class AdmissionRunner(Action<string> status)
{
    private const int BatchSize = 1000;
    private const int NumberCount = 10;

    public async Task<List<AdmissionResult>> RunAsync(AdmissionScenario scenario, CancellationToken cancellationToken)
    {
        var results = new List<AdmissionResult>();
        foreach (var driver in scenario.Drivers)
        {
            status($"{driver}: starting the simulator and the silo");
            await using var rig = await LoadRig.StartAsync(webhooks: false, scenario.SiloSettings);
            var numbers = Enumerable.Range(0, NumberCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"1065403524{i:D5}")).ToArray();
            foreach (var number in numbers)
            {
                await rig.SetTierAsync(number, 1, cancellationToken);
            }

            status($"{driver}: warming up with {scenario.WarmUp:N0} messages");
            await HandOverAsync(rig, driver, numbers, 0, scenario.WarmUp, scenario.Concurrency, new LatencyHistogram(), cancellationToken);

            status($"{driver}: handing over {scenario.Messages:N0} messages, {scenario.Concurrency} batches at once");
            using var sampling = new CancellationTokenSource();
            var sampler = rig.Silo.SampleEverySecondAsync(sampling.Token);
            var latency = new LatencyHistogram();
            var cpuBefore = rig.Silo.ProcessorTime;
            var clock = Stopwatch.StartNew();
            var refused = await HandOverAsync(rig, driver, numbers, scenario.WarmUp, scenario.Messages, scenario.Concurrency, latency, cancellationToken);
            var elapsed = clock.Elapsed;
            var cpu = rig.Silo.ProcessorTime - cpuBefore;
            await sampling.CancelAsync();
            await sampler;
            results.Add(new AdmissionResult(driver, scenario.Messages, refused, elapsed, latency.Summary(), cpu, rig.Silo.PeakWorkingSet));
        }

        return results;
    }

    /// <summary>Messages <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/>, in batches; returns how many were refused.</summary>
    private static async Task<int> HandOverAsync(LoadRig rig, LoadDriver driver, string[] numbers, int first, int count, int concurrency, LatencyHistogram latency, CancellationToken cancellationToken)
    {
        var refused = 0;
        var batches = Enumerable.Range(0, (count + BatchSize - 1) / BatchSize).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (b, token) =>
        {
            var messages = Enumerable.Range(first + (b * BatchSize), Math.Min(BatchSize, count - (b * BatchSize)))
                .Select(i => (numbers[i % numbers.Length], string.Create(CultureInfo.InvariantCulture, $"18{i:D9}")))
                .ToList();
            int batchRefused;
            if (driver == LoadDriver.Grpc)
            {
                (batchRefused, _) = await LoadRunner.StreamAsync(rig.GrpcFor(b), messages, latency, token);
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                (batchRefused, _) = await LoadRunner.PostAsync(rig.FrontFor(b), messages, token);
                var took = Stopwatch.GetElapsedTime(started);
                for (var i = 0; i < messages.Count; i++)
                {
                    latency.Record(took);
                }
            }

            Interlocked.Add(ref refused, batchRefused);
        });
        return refused;
    }
}
