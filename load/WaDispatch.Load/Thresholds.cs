using System.Globalization;

namespace WaDispatch.Load;

/// <summary>What a run must reach; a miss makes the harness exit non-zero.</summary>
/// <param name="MinTierRatio">Each number's steady rate as a share of its tier, at least (e.g. 0.97).</param>
/// <param name="MaxWindowsOverTier">Sliding seconds over the tier, per number, at most.</param>
/// <param name="MaxRateLimited">130429s from the referee, per number, at most.</param>
/// <param name="MinCeilingRatio">When the simulator-alone ceiling was measured: WaDispatch's throughput as a share of it, at least.</param>
public sealed record Thresholds(double MinTierRatio, int MaxWindowsOverTier, long MaxRateLimited, double MinCeilingRatio = 0)
{
    /// <summary>When set: the silo's peak working set above its base (before the backlog), at most.</summary>
    public long? MaxGrowthBytes { get; init; }

    /// <summary>The misses of <paramref name="result"/>, each said in a line; empty when every threshold is met.</summary>
    public IReadOnlyList<string> Misses(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var misses = new List<string>();
        foreach (var number in result.Numbers)
        {
            if (number.TierRatio < MinTierRatio)
            {
                misses.Add(string.Create(CultureInfo.InvariantCulture, $"{number.PhoneNumberId} (tier {number.TierMps}): {number.SteadyMps:F1} mps steady is {number.TierRatio:P1} of its tier; the threshold is {MinTierRatio:P1}."));
            }

            if (number.WindowsOverTier > MaxWindowsOverTier)
            {
                misses.Add($"{number.PhoneNumberId} (tier {number.TierMps}): {number.WindowsOverTier} sliding-second windows over the tier; the threshold is {MaxWindowsOverTier}.");
            }

            if (number.RateLimited > MaxRateLimited)
            {
                misses.Add($"{number.PhoneNumberId} (tier {number.TierMps}): {number.RateLimited} × 130429 from the referee; the threshold is {MaxRateLimited}.");
            }

            if (number.Accepted < number.Planned)
            {
                misses.Add($"{number.PhoneNumberId}: the referee accepted {number.Accepted} of {number.Planned} messages.");
            }
            else if (number.Accepted > number.Planned)
            {
                misses.Add($"{number.PhoneNumberId}: the referee accepted {number.Accepted} messages, {number.Accepted - number.Planned} more than the {number.Planned} given: some were sent twice.");
            }
        }

        if (result.SimulatorAloneMps is { } alone && result.ThroughputMps < MinCeilingRatio * alone)
        {
            misses.Add(string.Create(CultureInfo.InvariantCulture, $"WaDispatch's {result.ThroughputMps:F0} mps is {result.ThroughputMps / alone:P1} of the simulator alone ({alone:F0} mps); the threshold is {MinCeilingRatio:P0}."));
        }

        if (MaxGrowthBytes is { } growth && result.SiloPeakWorkingSet - result.SiloBaseWorkingSet > growth)
        {
            misses.Add(string.Create(CultureInfo.InvariantCulture, $"The silo's working set peaked at {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB, {(result.SiloPeakWorkingSet - result.SiloBaseWorkingSet) / (1024.0 * 1024):F0} MiB above its {result.SiloBaseWorkingSet / (1024.0 * 1024):F0} MiB base; the threshold is {growth / (1024.0 * 1024):F0} MiB above it."));
        }

        return misses;
    }
}

/// <summary>What a front-door run must reach.</summary>
/// <param name="MaxAddedP99">WaDispatch's own p99 (answer time less Meta's), at most, at every step up to <paramref name="UpToCeilingShare"/>.</param>
/// <param name="UpToCeilingShare">The steps judged: those asking for at most this share of the simulator-alone ceiling.</param>
public sealed record FrontDoorThresholds(TimeSpan MaxAddedP99, double UpToCeilingShare)
{
    internal IReadOnlyList<string> Misses(FrontDoorResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var misses = new List<string>();
        foreach (var step in result.Steps.Where(s => (s.TargetMps ?? s.AchievedMps) <= (UpToCeilingShare * result.SimulatorAloneMps) + 0.5))
        {
            if (step.AddedP99 > MaxAddedP99)
            {
                misses.Add(string.Create(CultureInfo.InvariantCulture, $"{step.Label}: WaDispatch's p99 is {step.AddedP99.TotalMilliseconds:F1} ms; the threshold is {MaxAddedP99.TotalMilliseconds:F1} ms up to {UpToCeilingShare:P0} of the simulator-alone ceiling ({result.SimulatorAloneMps:F0} mps)."));
            }

            if (step.Errors.Count > 0 || step.Unsent > 0)
            {
                misses.Add($"{step.Label}: {step.Errors.Values.Sum()} answers other than 200 and {step.Unsent} requests not started.");
            }
        }

        return misses;
    }
}

/// <summary>What a campaign run must reach: exact counts, and the silo's memory.</summary>
/// <param name="MaxWorkingSetBytes">The silo's peak working set, at most.</param>
public sealed record CampaignThresholds(long MaxWorkingSetBytes)
{
    internal IReadOnlyList<string> Misses(CampaignResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var misses = result.CountMismatches.Select(m => $"count {m}").ToList();
        if (result.Status != "completed")
        {
            misses.Add($"The campaign ended {result.Status}, not completed.");
        }

        if (result.SiloPeakWorkingSet > MaxWorkingSetBytes)
        {
            misses.Add(string.Create(CultureInfo.InvariantCulture, $"The silo's working set peaked at {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB; the threshold is {MaxWorkingSetBytes / (1024.0 * 1024):F0} MiB."));
        }

        return misses;
    }
}
