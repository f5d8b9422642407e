using System.Diagnostics;
using System.Globalization;

namespace WaDispatch.Load;

/// <summary>
/// How requests are injected during one step of a scenario, in NBomber's terms: an open model (requests start on a
/// schedule, whether or not earlier ones have answered — a constant or linearly ramping rate) or a closed model
/// (a constant number of callers, each starting its next request when its last one answers).
/// </summary>
internal abstract record Injection(TimeSpan Duration)
{
    /// <summary>Open-model requests not yet answered beyond which the harness stops starting more (they count as unsent).</summary>
    public const int MaxOutstanding = 20_000;

    /// <summary>A short description for reports, e.g. "open 500 mps" or "closed 64".</summary>
    public abstract string Label { get; }

    /// <summary>The rate the schedule asks for, in requests per second (null for the closed model).</summary>
    public abstract double? TargetRate { get; }

    /// <summary>
    /// Runs <paramref name="call"/> for the step; each call gets when it was meant to start (for the open model,
    /// its place in the schedule, so that a stalled system's queueing counts in its latency rather than
    /// disappearing from it). Returns how many requests the open model could not start (too many outstanding).
    /// </summary>
    public abstract Task<long> RunAsync(Func<long, Task> call, CancellationToken cancellationToken);

    /// <summary>Requests at a constant rate (open model).</summary>
    public sealed record Constant(double Rate, TimeSpan Duration) : Injection(Duration)
    {
        public override string Label => string.Create(CultureInfo.InvariantCulture, $"open {Rate:0} mps");

        public override double? TargetRate => Rate;

        public override Task<long> RunAsync(Func<long, Task> call, CancellationToken cancellationToken) =>
            Open(i => i / Rate, call, cancellationToken);
    }

    /// <summary>Requests at a rate rising linearly from <paramref name="From"/> to <paramref name="To"/> (open model).</summary>
    public sealed record Ramp(double From, double To, TimeSpan Duration) : Injection(Duration)
    {
        public override string Label => string.Create(CultureInfo.InvariantCulture, $"open {From:0}→{To:0} mps");

        public override double? TargetRate => (From + To) / 2;

        public override Task<long> RunAsync(Func<long, Task> call, CancellationToken cancellationToken)
        {
            // Request i starts when the rate's integral reaches i: From·t + (To − From)·t²/(2D) = i.
            var d = Duration.TotalSeconds;
            var a = (To - From) / (2 * d);
            return Open(i => a == 0 ? i / From : (-From + Math.Sqrt((From * From) + (4 * a * i))) / (2 * a), call, cancellationToken);
        }
    }

    /// <summary>A constant number of callers, each sending back to back (closed model).</summary>
    public sealed record Closed(int Concurrency, TimeSpan Duration) : Injection(Duration)
    {
        public override string Label => string.Create(CultureInfo.InvariantCulture, $"closed {Concurrency}");

        public override double? TargetRate => null;

        public override async Task<long> RunAsync(Func<long, Task> call, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
            {
                while (clock.Elapsed < Duration && !cancellationToken.IsCancellationRequested)
                {
                    await call(Stopwatch.GetTimestamp());
                }
            }));
            return 0;
        }
    }

    private async Task<long> Open(Func<long, double> startsAt, Func<long, Task> call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outstanding = 0L;
        var unsent = 0L;
        var running = new List<Task>();
        for (long i = 0; ; i++)
        {
            var at = startsAt(i);
            if (double.IsNaN(at) || at >= Duration.TotalSeconds)
            {
                break;
            }

            var due = started + (long)(at * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                // Timers have about a millisecond's resolution: everything due by the wake-up starts then, on schedule time.
                await Task.Delay(wait, cancellationToken);
            }

            if (Interlocked.Read(ref outstanding) >= MaxOutstanding)
            {
                unsent++;
                continue;
            }

            Interlocked.Increment(ref outstanding);
            running.Add(Run(due));
        }

        await Task.WhenAll(running);
        return unsent;

        async Task Run(long due)
        {
            try
            {
                await call(due);
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }
    }
}
