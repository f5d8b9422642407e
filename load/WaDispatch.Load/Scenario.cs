namespace WaDispatch.Load;

/// <summary>One business number in a run: its tier and how many messages it is given.</summary>
/// <param name="PhoneNumberId">The number.</param>
/// <param name="TierMps">Its throughput tier (the silo's and the referee's).</param>
public sealed record NumberPlan(string PhoneNumberId, int TierMps);

/// <summary>How the harness reaches WaDispatch.</summary>
public enum LoadDriver
{
    /// <summary>The silo's HTTP front door: <c>POST /v1/messages/batch</c>, the Cloud API route.</summary>
    Http,

    /// <summary>The silo's gRPC front door: a <c>SendMessages</c> stream per batch, <c>SendNow</c>.</summary>
    Grpc,

    /// <summary>The .NET client's embedded mode: an Orleans client in the harness's process, through the silo's gateway.</summary>
    Embedded,
}

/// <summary>A load scenario: numbers with a backlog for a steady stretch, through the front door's batch route.</summary>
/// <param name="Name">The scenario's name.</param>
/// <param name="Numbers">The numbers and their tiers.</param>
/// <param name="Steady">How long each number is kept busy (its backlog is tier × (steady + warm-up)).</param>
/// <param name="WarmUp">The first stretch after the first arrival, excluded from the results (ramp-up, cold connections).</param>
public sealed record Scenario(string Name, IReadOnlyList<NumberPlan> Numbers, TimeSpan Steady, TimeSpan WarmUp)
{
    /// <summary>The tiers of the sustained scenario, four numbers each.</summary>
    private static readonly int[] SustainedTiers = [80, 250, 350, 500, 1000];

    /// <summary>Whether the referee posts its status webhooks back to the silo (three per message).</summary>
    public bool Webhooks { get; init; } = true;

    /// <summary>How the harness hands the backlog over: HTTP batches, gRPC streams, or the embedded client.</summary>
    public LoadDriver Driver { get; init; }

    /// <summary>Whether the harness drives the silo through the .NET client's embedded mode (an Orleans client).</summary>
    public bool Embedded => Driver == LoadDriver.Embedded;

    /// <summary>Extra silo settings (<c>Section:Setting</c> → value), e.g. <c>Lanes:MaxInFlight</c>.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>When set, every number gets this many messages instead of its tier's worth (tiers too high to fill).</summary>
    public int? FixedBacklog { get; init; }

    /// <summary>When set, the simulator is also driven directly with this many concurrent requests, to measure the ceiling without WaDispatch in the same run.</summary>
    public int? CeilingConcurrency { get; init; }

    /// <summary>Silo processes; more than one form a cluster on <see cref="Postgres"/>.</summary>
    public int Silos { get; init; } = 1;

    /// <summary>
    /// Live consoles open on the silo during the run: each asks <c>GET /console/state</c> once a second, as the page
    /// does (the page's drawing happens in the browser; this is all of its cost to the silo).
    /// </summary>
    public int ConsoleWatchers { get; init; }

    /// <summary>
    /// A PostgreSQL connection string whose role may create databases: the silos run on a fresh database made from it
    /// (AdoNet membership, dropped afterwards). Null: one silo on SQLite.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>Messages given to <paramref name="number"/>.</summary>
    public int Backlog(NumberPlan number) => FixedBacklog ?? (int)Math.Ceiling(number.TierMps * (Steady + WarmUp).TotalSeconds);

    /// <summary>
    /// The requirement's scenario: 20 numbers, four on each of the tiers 80, 250, 350, 500 and 1,000, busy for
    /// <paramref name="steady"/>; with <paramref name="share"/> below 1, every tier is that share of its own (at least
    /// 1 mps), the same mix at a lower total rate (<see cref="RateSearch"/>).
    /// </summary>
    public static Scenario Sustained(TimeSpan steady, double share = 1.0) =>
        new(
            share >= 1.0 ? "sustained" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"sustained-{share:0.####}"),
            [.. SustainedTiers.SelectMany((tier, t) => Enumerable.Range(0, 4).Select(i => new NumberPlan($"1065403522{t:D2}{i:D3}", Math.Max(1, (int)Math.Round(tier * share)))))],
            steady,
            TimeSpan.FromSeconds(1));

    /// <summary>A short run that proves the harness works: a few numbers for a few seconds.</summary>
    public static Scenario Smoke(TimeSpan steady) =>
        new("smoke", [new NumberPlan("106540352290001", 80), new NumberPlan("106540352290002", 250)], steady, TimeSpan.FromSeconds(1));

    /// <summary>
    /// WaDispatch's ceiling: ten numbers with tiers it cannot reach (100,000 mps), 10,000 messages each, beside the
    /// simulator driven directly for <paramref name="steady"/> (its ceiling: one HTTP request per message).
    /// </summary>
    public static Scenario MaxThroughput(TimeSpan steady) =>
        new("max-throughput", [.. Enumerable.Range(0, 10).Select(i => new NumberPlan($"1065403522{80 + i:D5}", 100_000))], steady, TimeSpan.FromSeconds(1))
        {
            FixedBacklog = 10_000,
            CeilingConcurrency = 64,
        };

    /// <summary>
    /// The same work for any number of silos: ten numbers with tiers they cannot reach, 3,000 messages each, through
    /// the silos' front doors in turn, on PostgreSQL; what changes is how many silo processes share it.
    /// </summary>
    public static Scenario Cluster(int silos, string postgres) =>
        new($"cluster-{silos}", [.. Enumerable.Range(0, 10).Select(i => new NumberPlan($"1065403522{60 + i:D5}", 100_000))], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1))
        {
            FixedBacklog = 3_000,
            Silos = silos,
            Postgres = postgres,
        };

    /// <summary>
    /// A backlog far larger than the silo can send while it arrives: <paramref name="messages"/> templates across 20
    /// numbers at the default tier (80 mps, 1,600 in all), handed over as fast as the silo accepts them. The silo
    /// must keep a window of each number's queue in memory and read the rest from the ledger as it drains, so its
    /// working set is bounded by <c>Lanes:MaxBacklogMemory</c>, not by the backlog.
    /// </summary>
    public static Scenario QueuedBacklog(int messages) =>
        new("backlog", [.. Enumerable.Range(0, 20).Select(i => new NumberPlan($"1065403522{40 + i:D5}", 80))], TimeSpan.FromSeconds(Math.Ceiling(messages / (20 * 80.0))), TimeSpan.FromSeconds(1))
        {
            FixedBacklog = messages / 20,
        };

    /// <summary>One number per tier given on the command line.</summary>
    public static Scenario Tiers(IEnumerable<int> tiers, TimeSpan steady) =>
        new("tiers", [.. tiers.Select((tier, i) => new NumberPlan($"1065403522{i:D5}", tier))], steady, TimeSpan.FromSeconds(1));
}
