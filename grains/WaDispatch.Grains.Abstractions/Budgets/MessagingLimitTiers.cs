namespace WaDispatch.Grains.Budgets;

/// <summary>The wire names and sizes of <see cref="MessagingLimitTier"/>.</summary>
public static class MessagingLimitTiers
{
    /// <summary>Every wire name WaDispatch accepts, in ladder order.</summary>
    public static IReadOnlyList<string> WireNames { get; } = ["TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"];

    /// <summary>How many unique recipients the tier allows in a moving 24 h; <see cref="int.MaxValue"/> for unlimited.</summary>
    public static int Capacity(this MessagingLimitTier tier) => tier switch
    {
        MessagingLimitTier.Tier50 => 50,
        MessagingLimitTier.Tier250 => 250,
        MessagingLimitTier.Tier1K => 1_000,
        MessagingLimitTier.Tier2K => 2_000,
        MessagingLimitTier.Tier10K => 10_000,
        MessagingLimitTier.Tier100K => 100_000,
        _ => int.MaxValue,
    };

    /// <summary>The tier's name on the wire, e.g. <c>TIER_1K</c>.</summary>
    public static string ToWireName(this MessagingLimitTier tier) => WireNames[(int)tier];

    /// <summary>Reads a wire name such as <c>TIER_2K</c> (case-insensitive).</summary>
    public static bool TryParse(string? wireName, out MessagingLimitTier tier)
    {
        for (var i = 0; i < WireNames.Count; i++)
        {
            if (string.Equals(WireNames[i], wireName, StringComparison.OrdinalIgnoreCase))
            {
                tier = (MessagingLimitTier)i;
                return true;
            }
        }

        tier = default;
        return false;
    }

    /// <summary>Reads a wire name, or says which names are valid.</summary>
    /// <exception cref="ArgumentException">Not a tier name; the message lists the valid ones.</exception>
    public static MessagingLimitTier Parse(string? wireName, string field) =>
        TryParse(wireName, out var tier)
            ? tier
            : throw new ArgumentException($"{field} must be one of {string.Join(", ", WireNames)}; got '{wireName}'.", field);
}
