namespace WaDispatch.Load;

/// <summary>What one number did, as the referee counted it.</summary>
/// <param name="PhoneNumberId">The number.</param>
/// <param name="TierMps">Its tier.</param>
/// <param name="Planned">Messages given to it.</param>
/// <param name="Accepted">Messages the referee accepted.</param>
/// <param name="SteadyMps">Arrivals per second over the steady stretch (after the warm-up, while the backlog lasted).</param>
/// <param name="FullestSecond">The most arrivals in any sliding second.</param>
/// <param name="WindowsOverTier">Arrivals that ended a sliding second holding more than the tier.</param>
/// <param name="RateLimited">130429s the referee answered.</param>
/// <param name="PerSecond">Arrivals in each whole second from the first.</param>
public sealed record NumberResult(string PhoneNumberId, int TierMps, int Planned, long Accepted, double SteadyMps, int FullestSecond, int WindowsOverTier, long RateLimited, IReadOnlyList<int> PerSecond)
{
    /// <summary>The steady rate as a share of the tier.</summary>
    public double TierRatio => SteadyMps / TierMps;
}

/// <summary>A run's results.</summary>
public sealed record LoadResult
{
    /// <summary>The scenario.</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long from the first submission to the last arrival.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Per number.</summary>
    public required IReadOnlyList<NumberResult> Numbers { get; init; }

    /// <summary>Messages accepted by the referee per second, over all numbers, from first to last arrival.</summary>
    public required double ThroughputMps { get; init; }

    /// <summary>Admission latency of the batch requests (1,000 messages each): p50, p90, p99, p99.9, max.</summary>
    public required IReadOnlyList<(string Label, TimeSpan Value)> Admission { get; init; }

    /// <summary>Front-door refusals by HTTP status and code.</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>The silo's CPU time over the run.</summary>
    public required TimeSpan SiloCpu { get; init; }

    /// <summary>The referee's (the simulator's) CPU time over the run, when measured: it shares the machine with the silo.</summary>
    public TimeSpan? RefereeCpu { get; init; }

    /// <summary>The harness's own CPU time over the run, when measured: it shares the machine with the silo.</summary>
    public TimeSpan? HarnessCpu { get; init; }

    /// <summary>Refreshes of the live consoles kept open during the run (<see cref="Scenario.ConsoleWatchers"/>).</summary>
    public int ConsoleRefreshes { get; init; }

    /// <summary>The silo's largest working set sampled.</summary>
    public required long SiloPeakWorkingSet { get; init; }

    /// <summary>The silo's working set before the harness handed over anything (its base).</summary>
    public long SiloBaseWorkingSet { get; init; }

    /// <summary>
    /// The most messages the silo had accepted and not yet sent (accepted by the front door, not yet by the referee),
    /// sampled once a second, and the silo's working set in that second.
    /// </summary>
    public (long Messages, long WorkingSet) LargestBacklog { get; init; }

    /// <summary>Status webhooks the silo applied, and their mean lag from arrival to applied (null when not measured: embedded).</summary>
    public (long Applied, TimeSpan MeanLag)? Webhooks { get; init; }

    /// <summary>
    /// Sends that left the (front) silo's lanes, their mean wait from permit to departure, and how many waited more than a
    /// second (null when not read or none left).
    /// </summary>
    public (long Sends, TimeSpan Mean, long OverASecond)? DepartureWaits { get; init; }

    /// <summary>
    /// The referee's status webhooks when the silo's CPU was read (null when the run had none): a run whose messages all
    /// reached the referee waits for every one to reach the silo and be applied first (bounded), so its CPU per message
    /// counts them; <see cref="RefereeWebhooks.AllApplied"/> says whether it does.
    /// </summary>
    public RefereeWebhooks? RefereeWebhooks { get; init; }

    /// <summary>The silo's CPU time by the time the referee had accepted every message, before the run waited for their status webhooks.</summary>
    public TimeSpan SiloCpuAtLastSend { get; init; }

    /// <summary>
    /// How long the silo's JIT spent compiling methods over the run (the same span as <see cref="SiloCpu"/>): a fresh
    /// process compiles its hot paths, and tiers them up, under the first load it meets, once. Measured on the runtime's
    /// own clock around each compilation, so at most this much of the CPU (a compilation preempted counts its wait).
    /// </summary>
    public TimeSpan SiloJitTime { get; init; }

    /// <summary>How long the run waited, after the harness saw the referee accept its last message, for its status webhooks to reach the silo.</summary>
    public TimeSpan WebhookDrain { get; init; }

    /// <summary>The silo's garbage collections by generation, from its /metrics.</summary>
    public required IReadOnlyDictionary<string, double> SiloGcCollections { get; init; }

    /// <summary>The bytes the silo allocated on its managed heap from its start to the end of the run (0 when not reported).</summary>
    public double SiloAllocatedBytes { get; init; }

    /// <summary>The simulator's rate driven directly (no WaDispatch), measured in the same run; null when not measured.</summary>
    public double? SimulatorAloneMps { get; init; }

    /// <summary>The machine.</summary>
    public required string Machine { get; init; }
}

/// <summary>
/// The referee's status webhooks: delivered to the silo, given up after their attempts or dropped, and waiting; and the
/// deliveries the silo had applied (its webhook lag histogram's count) when they were read, null when not read (the
/// harness reads it only once none is waiting).
/// </summary>
public sealed record RefereeWebhooks(long Delivered, long Abandoned, long Pending, long? Applied)
{
    /// <summary>Whether the referee has none left to post and the silo has applied every one it posted.</summary>
    public bool Settled => Pending == 0 && Applied >= Delivered;

    /// <summary>Whether every status the referee made has reached the silo and been applied: settled, none given up.</summary>
    public bool AllApplied => Settled && Abandoned == 0;
}
