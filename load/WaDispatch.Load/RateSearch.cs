namespace WaDispatch.Load;

/// <summary>
/// The highest share of a scenario's tiers at which its numbers still hold their thresholds (issue 22, goal 5: when
/// the machine cannot carry the sustained mix at full tiers, the highest total rate at which every number still holds
/// 95 % of its tier). The full tiers are tried first; when they miss, the share is halved between the highest that held
/// (at first none) and the lowest that missed, <c>probes</c> times: the answer is within 1/2^probes of the tiers.
/// Each probe is a run of its own on a fresh silo and referee, so one probe's backlog never slows the next.
/// </summary>
internal static class RateSearch
{
    /// <summary>One probe: the share of the tiers it ran at, whether it held, and its run.</summary>
    /// <typeparam name="T">The run's result.</typeparam>
    public sealed record Probe<T>(double Share, bool Held, T Result);

    /// <summary>
    /// Runs <paramref name="probe"/> at the full tiers and then at up to <paramref name="probes"/> shares between,
    /// and returns every probe in the order run. The highest share that held is the answer (none: nothing held, even
    /// the lowest share tried).
    /// </summary>
    public static async Task<IReadOnlyList<Probe<T>>> FindAsync<T>(Func<double, Task<(bool Held, T Result)>> probe, int probes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probes);
        var runs = new List<Probe<T>>();
        var (held, result) = await probe(1.0);
        runs.Add(new Probe<T>(1.0, held, result));
        if (held)
        {
            return runs;
        }

        var (highestHeld, lowestMissed) = (0.0, 1.0);
        for (var i = 0; i < probes; i++)
        {
            var share = (highestHeld + lowestMissed) / 2;
            (held, result) = await probe(share);
            runs.Add(new Probe<T>(share, held, result));
            (highestHeld, lowestMissed) = held ? (share, lowestMissed) : (highestHeld, share);
        }

        return runs;
    }
}
