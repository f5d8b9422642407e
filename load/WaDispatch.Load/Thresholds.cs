using System.Globalization;

namespace WaDispatch.Load;

/// <summary>What a run must reach; a miss makes the harness exit non-zero.</summary>
/// <param name="MinTierRatio">Each number's steady rate as a share of its tier, at least (e.g. 0.97).</param>
/// <param name="MaxWindowsOverTier">Sliding seconds over the tier, per number, at most.</param>
/// <param name="MaxRateLimited">130429s from the referee, per number, at most.</param>
public sealed record Thresholds(double MinTierRatio, int MaxWindowsOverTier, long MaxRateLimited)
{
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
        }

        return misses;
    }
}
