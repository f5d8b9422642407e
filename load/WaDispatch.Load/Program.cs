// The WaDispatch load harness. Examples:
//   dotnet run -c Release --project load/WaDispatch.Load -- run sustained --seconds 60
//   dotnet run -c Release --project load/WaDispatch.Load -- run tiers --tiers 80,250,1000 --seconds 20
//   dotnet run -c Release --project load/WaDispatch.Load -- run smoke --seconds 3 --min-tier-ratio 0.9
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WaDispatch.Load;

var scenarioArgument = new Argument<string>("scenario") { Description = "sustained (20 numbers across tiers 80–1,000), max-throughput (WaDispatch's ceiling beside the simulator's), tiers (one number per --tiers value) or smoke (a few seconds)" };
var seconds = new Option<int>("--seconds") { Description = "The steady stretch each number is kept busy, in seconds", DefaultValueFactory = _ => 60 };
var tiers = new Option<string>("--tiers") { Description = "For the tiers scenario: comma-separated tiers in mps", DefaultValueFactory = _ => "80,250,350,500,1000" };
var reports = new Option<DirectoryInfo>("--reports") { Description = "Where the reports go", DefaultValueFactory = _ => new DirectoryInfo("reports") };
var minTierRatio = new Option<double>("--min-tier-ratio") { Description = "Threshold: each number's steady rate as a share of its tier", DefaultValueFactory = _ => 0.97 };
var maxOverTier = new Option<int>("--max-windows-over-tier") { Description = "Threshold: sliding seconds over the tier per number", DefaultValueFactory = _ => 0 };
var maxRateLimited = new Option<long>("--max-rate-limited") { Description = "Threshold: 130429s per number", DefaultValueFactory = _ => 0 };
var noWebhooks = new Option<bool>("--no-webhooks") { Description = "The referee posts no status webhooks back" };
var siloSettings = new Option<string[]>("--silo-setting") { Description = "A silo setting as Section:Setting=value (repeatable), e.g. Lanes:MaxInFlight=1024", AllowMultipleArgumentsPerToken = false };

var run = new Command("run", "Runs a scenario against a silo and the simulator started in processes of their own, writes reports, and exits 1 when a threshold is missed.")
{
    scenarioArgument, seconds, tiers, reports, minTierRatio, maxOverTier, maxRateLimited, noWebhooks, siloSettings,
};
run.SetAction(async (parse, cancellationToken) =>
{
    var steady = TimeSpan.FromSeconds(parse.GetValue(seconds));
    Scenario scenario = parse.GetValue(scenarioArgument) switch
    {
        "sustained" => Scenario.Sustained(steady),
        "smoke" => Scenario.Smoke(steady),
        "max-throughput" => Scenario.MaxThroughput(steady),
        "tiers" => Scenario.Tiers(parse.GetValue(tiers)!.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)), steady),
        var other => throw new ArgumentException($"Unknown scenario '{other}': sustained, tiers or smoke."),
    };
    scenario = scenario with
    {
        Webhooks = !parse.GetValue(noWebhooks),
        SiloSettings = (parse.GetValue(siloSettings) ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal),
    };
    var thresholds = new Thresholds(parse.GetValue(minTierRatio), parse.GetValue(maxOverTier), parse.GetValue(maxRateLimited));

    LoadResult? result = null;
    await AnsiConsole.Status().StartAsync("starting", async context =>
    {
        result = await new LoadRunner(status => context.Status(Markup.Escape(status))).RunAsync(scenario, cancellationToken);
    });

    var misses = thresholds.Misses(result!);
    var folder = Reports.Write(result!, misses, parse.GetValue(reports)!);
    var table = new Table().AddColumns("Number", "Tier", "Steady mps", "% of tier", "Fullest second", "Over tier", "130429");
    foreach (var n in result!.Numbers)
    {
        table.AddRow(n.PhoneNumberId, $"{n.TierMps}", $"{n.SteadyMps:F1}", $"{n.TierRatio:P1}", $"{n.FullestSecond}", $"{n.WindowsOverTier}", $"{n.RateLimited}");
    }

    AnsiConsole.Write(table);
    if (result.SimulatorAloneMps is { } alone)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"Simulator alone: {alone:F0} mps; WaDispatch: {result.ThroughputMps:F0} mps ({result.ThroughputMps / alone:P1})."));
    }

    AnsiConsole.MarkupLine(Markup.Escape($"Throughput {result.ThroughputMps:F0} mps; admission p99 {result.Admission[2].Value.TotalMilliseconds:F1} ms; silo {result.SiloCpu.TotalSeconds:F1} s CPU, peak {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB. Reports: {folder.FullName}"));
    foreach (var miss in misses)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(miss)}[/]");
    }

    return misses.Count == 0 ? 0 : 1;
});

var root = new RootCommand("WaDispatch load harness: sustained send rates against the simulator as referee.") { run };
return await root.Parse(args).InvokeAsync();
