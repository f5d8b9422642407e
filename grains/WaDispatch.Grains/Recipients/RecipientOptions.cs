namespace WaDispatch.Grains.Recipients;

/// <summary>Settings of the recipient rules (configuration section <c>Recipients</c>).</summary>
public sealed class RecipientOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Recipients";

    /// <summary>
    /// How long a recipient's grain stays in memory unused before Orleans collects it (its facts are in storage; a
    /// pair pace reaching further keeps it that much longer). Default 15 s: the silo holds one activation, about
    /// 3.3 KiB, per user sent to in the last 15 s, so its memory follows the send rate, not the backlog.
    /// </summary>
    public TimeSpan IdleCollectionAge { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many grains' addresses Orleans keeps in its directory cache (<c>GrainDirectoryOptions.CacheSize</c>, whose own
    /// default is 1,000,000; an address unused for 4 minutes also leaves it). An address stays cached after its grain is
    /// collected, and a recipient's grain is one per user sent to: with Orleans' default a 1,000,000-message backlog to
    /// new users kept 596,101 addresses, about 250 bytes each, in the silo's heap (<c>dotnet-gcdump</c>). Default 100,000: more than the recipients active at once at
    /// several thousand messages per second (<see cref="IdleCollectionAge"/>); a miss costs a directory lookup.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 100_000;

    /// <summary>How long a recipient Meta could not deliver to (131026) is skipped. Default 7 days.</summary>
    public TimeSpan UndeliverableFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long marketing templates wait after a 131049 (per-user marketing cap). Default 24 h.</summary>
    public TimeSpan MarketingCapWait { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The pair rate's steady interval: one message per this long to one user on average. Default 6 s.</summary>
    public TimeSpan PairInterval { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How many messages one user may get at once before the steady interval applies. Default 45.</summary>
    public int PairBurst { get; set; } = 45;

    /// <summary>The longest snooze after 131056s in a row (1, 4, 16, 64 … s). Default 1,024 s.</summary>
    public TimeSpan MaxPairSnooze { get; set; } = TimeSpan.FromSeconds(1024);
}
