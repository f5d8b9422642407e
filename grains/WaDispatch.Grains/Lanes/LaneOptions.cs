namespace WaDispatch.Grains.Lanes;

/// <summary>Settings every lane shares (configuration section <c>Lanes</c>).</summary>
public sealed class LaneOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Lanes";

    /// <summary>The tier of a number nobody configured, in messages per second. Default 80, Meta's default.</summary>
    public int DefaultThroughputMps { get; set; } = 80;

    /// <summary>
    /// The most sends one number may have upstream at once. A lane starts lower
    /// (<see cref="InitialInFlight"/>) and grows by one per accepted send, so that a cold connection
    /// pool is not hit by a wall of requests that then arrive together. Default 256.
    /// </summary>
    public int MaxInFlight { get; set; } = 256;

    /// <summary>Where the in-flight limit starts, and restarts after the lane was idle a minute. Default 8.</summary>
    public int InitialInFlight { get; set; } = 8;

    /// <summary>The longest wait between retries of a transient error (before jitter). Default 5 min.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a 131057 (maintenance, throughput upgrade) pauses the lane when Meta gives no Retry-After. Default 60 s.</summary>
    public TimeSpan MaintenancePause { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The share of the tier kept unused: the lane paces that far below it, and no sliding second goes past the tier,
    /// so each second has this share of itself (25 ms) to make up a late wake-up or to absorb a late answer in. Default
    /// 0.025 (pace at 97.5 %).
    /// </summary>
    public double Headroom { get; set; } = 0.025;

    /// <summary>
    /// How far behind its schedule a lane may catch up after its pump woke late (a GC pause, a busy
    /// machine). Overdue slots go at twice the paced rate rather than all at once, and the pacer's
    /// sliding-second cap keeps every second at the tier. Default 250 ms.
    /// </summary>
    public TimeSpan MaxCatchUp { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// For a send whose departure is recorded first (the message ledger's <c>sending</c> mark): it leaves no sooner
    /// than this long after its permit. Default zero: it leaves once the record commits. Commit times vary under
    /// load, but departures keep the pacer's sliding-second cap on their own (the pump's departure window), so a
    /// fixed delay only adds latency; it stays available to smooth very uneven commits.
    /// </summary>
    public TimeSpan DepartureDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The memory this silo's lanes may hold for queued sends of the backlog, counted at
    /// <see cref="BytesPerQueuedSend"/> each; shared between the lanes active on the silo. A lane holds at most
    /// <see cref="QueueWindow"/> of its tier (at least <see cref="MinQueuedSends"/> sends) and at most its share of
    /// this; queued template messages beyond that are parked in the ledger and read back as it drains,
    /// most urgent class first.
    /// Default 256 MiB.
    /// </summary>
    public long MaxBacklogMemory { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// What one queued send costs the silo while its lane holds it: the send and its request, and the activation of its
    /// recipient's grain that admission made (measured, <c>dotnet-gcdump</c> of the sustained scenario: 3.3 KiB for the
    /// recipient, under 1 KiB for the send). Default 4 KiB.
    /// </summary>
    public int BytesPerQueuedSend { get; set; } = 4096;

    /// <summary>How many seconds of its tier a lane keeps queued in memory when it has a backlog. Default 4 s.</summary>
    public TimeSpan QueueWindow { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The fewest queued sends a lane keeps in memory, whatever its tier and share. Default 64.</summary>
    public int MinQueuedSends { get; set; } = 64;

    /// <summary>
    /// How long a lane's answer "no room" (or a silo's own park) holds for a silo's accepts: until it lapses, the silo
    /// parks the lane's queued templates; after it (and before a lane's first answer), it sends the lane at most
    /// <see cref="MinQueuedSends"/> to ask again — unless it is still telling the lane of its parks. A lane reading its
    /// backlog answers with each fill's sends. Default 500 ms.
    /// </summary>
    public TimeSpan ParkingHold { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long, at most, a silo waits to tell a lane of the templates it parked for it until the sends it already has on
    /// their way there arrive (they take milliseconds; one stuck in admission must not keep the lane from its backlog).
    /// Told before they arrive, the lane reads its window from the ledger with them still to come. 0: tell at once.
    /// Default 2 s.
    /// </summary>
    public TimeSpan ParkedTellWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the class of a template being parked is looked up for (its category in the number's catalog) before
    /// it is parked as marketing: the acceptance must not wait on a catalog or a lane that does not answer. Default 1 s.
    /// </summary>
    public TimeSpan ParkedRankWait { get; set; } = TimeSpan.FromSeconds(1);
}
