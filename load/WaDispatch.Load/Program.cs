// The WaDispatch load harness. Examples:
//   dotnet run -c Release --project load/WaDispatch.Load -- run --file load/scenarios/sustained.json
//   dotnet run -c Release --project load/WaDispatch.Load -- run tiers --tiers 80,250,1000 --seconds 20
//   dotnet run -c Release --project load/WaDispatch.Load -- run front-door --seconds 10 --shares 0.1,0.5,1
//   dotnet run -c Release --project load/WaDispatch.Load -- run front-door --driver grpc --rates 100,300,600 --seconds 10
//   dotnet run -c Release --project load/WaDispatch.Load -- run admission --messages 100000   (HTTP batches against gRPC streams)
//   dotnet run -c Release --project load/WaDispatch.Load -- run upload --recipients 1000000   (a campaign audience over HTTP and gRPC)
//   dotnet run -c Release --project load/WaDispatch.Load -- run campaign --recipients 20000
//   dotnet run -c Release --project load/WaDispatch.Load -- run backlog --messages 1000000   (memory under a backlog the silo cannot send yet)
//   dotnet run -c Release --project load/WaDispatch.Load -- run cluster --silos 1,2,3 --postgres "Host=…;Username=…;Password=…;Database=postgres"
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WaDispatch.Load;

var scenarioArgument = new Argument<string>("scenario") { Description = "sustained (20 numbers across tiers 80–1,000), sustained-search (the highest share of sustained's tiers that every number holds, --probes halvings after the full tiers), tiers (one number per --tiers value), max-throughput (WaDispatch's ceiling beside the simulator's), backlog (--messages queued across 20 numbers at 80 mps: the silo's memory under a backlog it cannot send yet), front-door (the Cloud API route at rising rates), campaign-1m or campaign (--recipients), cluster (the same work on 1, 2 and 3 silos on PostgreSQL), admission (HTTP batches against gRPC streams, side by side), upload (a --recipients campaign audience through a multipart upload and a gRPC stream), smoke (a few seconds)" };
var file = new Option<FileInfo>("--file") { Description = "A scenario file (JSON): the scenario and any of these options; the command line wins over it" };
var seconds = new Option<int>("--seconds") { Description = "The steady stretch each number is kept busy (front-door: each step), in seconds", DefaultValueFactory = _ => 60 };
var tiers = new Option<string>("--tiers") { Description = "For the tiers scenario: comma-separated tiers in mps", DefaultValueFactory = _ => "80,250,350,500,1000" };
var reports = new Option<DirectoryInfo>("--reports") { Description = "Where the reports go", DefaultValueFactory = _ => new DirectoryInfo("reports") };
var minTierRatio = new Option<double>("--min-tier-ratio") { Description = "Threshold: each number's steady rate as a share of its tier", DefaultValueFactory = _ => 0.97 };
var maxOverTier = new Option<int>("--max-windows-over-tier") { Description = "Threshold: sliding seconds over the tier per number", DefaultValueFactory = _ => 0 };
var maxRateLimited = new Option<long>("--max-rate-limited") { Description = "Threshold: 130429s per number", DefaultValueFactory = _ => 0 };
var minCeilingRatio = new Option<double>("--min-ceiling-ratio") { Description = "Threshold (max-throughput): WaDispatch's throughput as a share of the simulator alone", DefaultValueFactory = _ => 0.5 };
var noWebhooks = new Option<bool>("--no-webhooks") { Description = "The referee posts no status webhooks back" };
var siloSettings = new Option<string[]>("--silo-setting") { Description = "A silo setting as Section:Setting=value (repeatable), e.g. Lanes:MaxInFlight=1024", AllowMultipleArgumentsPerToken = false };
var driver = new Option<string>("--driver") { Description = "http (the silo in a process of its own, through its front door), grpc (the same silo through its gRPC front door: SendMessages streams, SendNow for front-door) or embedded (the .NET client's embedded mode: an Orleans client in this process, calling the silo's grains through its gateway; backlog scenarios only)", DefaultValueFactory = _ => "http" };
var model = new Option<string>("--model") { Description = "front-door: open (requests on a schedule) or closed (constant concurrency)", DefaultValueFactory = _ => "open" };
var shares = new Option<string>("--shares") { Description = "front-door, open model: step rates as shares of the simulator-alone ceiling measured first", DefaultValueFactory = _ => "0.1,0.25,0.5,0.75,1" };
var rates = new Option<string?>("--rates") { Description = "front-door, open model: step rates in mps (instead of --shares)" };
var ramp = new Option<string?>("--ramp") { Description = "front-door, open model: one step ramping from:to mps over --seconds (instead of steps)" };
var concurrency = new Option<string>("--concurrency") { Description = "front-door, closed model: concurrent callers per step", DefaultValueFactory = _ => "8,32,128" };
var maxAddedP99 = new Option<double>("--max-added-p99-ms") { Description = "Threshold (front-door): WaDispatch's own p99 in ms, up to --added-up-to of the ceiling", DefaultValueFactory = _ => 5 };
var addedUpTo = new Option<double>("--added-up-to") { Description = "front-door: the share of the simulator-alone ceiling up to which --max-added-p99-ms is judged", DefaultValueFactory = _ => 0.5 };
var recipients = new Option<int>("--recipients") { Description = "campaign, upload: audience rows", DefaultValueFactory = _ => 1_000_000 };
var optedOut = new Option<double>("--opted-out") { Description = "campaign: share of recipients who stopped marketing first", DefaultValueFactory = _ => 0.10 };
var undeliverable = new Option<double>("--undeliverable") { Description = "campaign: share of recipients Meta fails with 131026", DefaultValueFactory = _ => 0.01 };
var tier = new Option<int>("--tier") { Description = "campaign: the number's tier in mps", DefaultValueFactory = _ => 1000 };
var silos = new Option<string>("--silos") { Description = "cluster: the silo counts to run the same work on, one after another", DefaultValueFactory = _ => "1,2,3" };
var postgres = new Option<string?>("--postgres") { Description = "cluster: a PostgreSQL connection string whose role may create databases (each run gets a fresh one); default $WADISPATCH_LOAD_POSTGRES. Backlog scenarios (sustained, tiers, max-throughput, smoke): given, the silo runs on a fresh PostgreSQL database made from it instead of SQLite (the environment variable does not apply to them)" };
var messages = new Option<int?>("--messages") { Description = "admission: messages handed over per driver (default 100,000); backlog: messages in all, across its 20 numbers (default 1,000,000)" };
var maxGrowth = new Option<int>("--max-growth-mib") { Description = "Threshold (backlog): the silo's peak working set above its working set before the backlog, in MiB (Lanes:MaxBacklogMemory's default)", DefaultValueFactory = _ => 256 };
var inFlight = new Option<int>("--in-flight") { Description = "admission: batches (HTTP requests or gRPC streams of 1,000) under way at once", DefaultValueFactory = _ => 8 };
var drivers = new Option<string>("--drivers") { Description = "admission, upload: the drivers compared, in order", DefaultValueFactory = _ => "http,grpc" };
var consoleWatchers = new Option<int>("--console-watchers") { Description = "Backlog scenarios: live console pages kept open on the silo during the run (each refreshes once a second), to measure what watching costs it", DefaultValueFactory = _ => 0 };
var probes = new Option<int>("--probes") { Description = "sustained-search: runs after the full tiers, each halving the share of the tiers between the highest that held and the lowest that missed", DefaultValueFactory = _ => 6 };
var maxWorkingSet = new Option<int>("--max-working-set-mib") { Description = "Threshold (campaign): the silo's peak working set in MiB", DefaultValueFactory = _ => 1024 };

var run = new Command("run", "Runs a scenario against a silo and the simulator started in processes of their own, writes reports, and exits 1 when a threshold is missed.")
{
    scenarioArgument, file, seconds, tiers, reports, minTierRatio, maxOverTier, maxRateLimited, minCeilingRatio, noWebhooks, siloSettings, driver,
    model, shares, rates, ramp, concurrency, maxAddedP99, addedUpTo, recipients, optedOut, undeliverable, tier, maxWorkingSet, silos, postgres,
    messages, inFlight, drivers, consoleWatchers, maxGrowth, probes,
};
run.SetAction(async (parse, cancellationToken) =>
{
    var steady = TimeSpan.FromSeconds(parse.GetValue(seconds));
    var settings = (parse.GetValue(siloSettings) ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
    var webhooks = !parse.GetValue(noWebhooks);
    var folder = parse.GetValue(reports)!;
    var loadDriver = parse.GetValue(driver) switch
    {
        "http" => LoadDriver.Http,
        "grpc" when parse.GetValue(scenarioArgument) is not ("campaign" or "campaign-1m" or "cluster" or "admission" or "upload") => LoadDriver.Grpc,
        "grpc" => throw new ArgumentException("--driver grpc drives front-door and the backlog scenarios (sustained, tiers, max-throughput, smoke); admission compares the drivers itself (--drivers)."),
        "embedded" when parse.GetValue(scenarioArgument) is not ("front-door" or "campaign" or "campaign-1m" or "cluster" or "admission" or "upload") => LoadDriver.Embedded,
        "embedded" => throw new ArgumentException("--driver embedded drives the backlog scenarios (sustained, tiers, max-throughput, smoke); front-door and campaigns use the silo's HTTP routes."),
        var other => throw new ArgumentException($"Unknown driver '{other}': http, grpc or embedded."),
    };
    IReadOnlyList<string> misses;
    switch (parse.GetValue(scenarioArgument))
    {
        case "front-door":
        {
            var closed = parse.GetValue(model) == "closed";
            IReadOnlyList<Injection> steps = closed
                ? [.. Numbers(parse.GetValue(concurrency)!).Select(c => (Injection)new Injection.Closed((int)c, steady))]
                : parse.GetValue(ramp) is { } fromTo
                    ? [new Injection.Ramp(Numbers(fromTo.Replace(':', ','))[0], Numbers(fromTo.Replace(':', ','))[1], steady)]
                    : parse.GetValue(rates) is { } fixedRates
                        ? [.. Numbers(fixedRates).Select(r => (Injection)new Injection.Constant(r, steady))]
                        : [new Injection.Constant(1, steady)];
            var ceilingShares = closed || parse.GetValue(ramp) is not null || parse.GetValue(rates) is not null ? null : Numbers(parse.GetValue(shares)!);
            var scenario = new FrontDoorScenario(steps, ceilingShares, TimeSpan.FromSeconds(5)) { Webhooks = webhooks, SiloSettings = settings, Driver = loadDriver };
            FrontDoorResult? result = null;
            await AnsiConsole.Status().StartAsync("starting", async context =>
                result = await new FrontDoorRunner(status => context.Status(Markup.Escape(status))).RunAsync(scenario, cancellationToken));
            misses = new FrontDoorThresholds(TimeSpan.FromMilliseconds(parse.GetValue(maxAddedP99)), parse.GetValue(addedUpTo)).Misses(result!);
            var written = Reports.Write(result!, misses, folder);
            var table = new Table().AddColumns("Step", "Achieved mps", "p50 ms", "p99 ms", "p99.9 ms", "WaDispatch p99 ms", "Errors");
            foreach (var step in result!.Steps)
            {
                table.AddRow(step.Label, $"{step.AchievedMps:F0}", $"{step.Latency[0].Value.TotalMilliseconds:F1}", $"{step.P99.TotalMilliseconds:F1}", $"{step.Latency[3].Value.TotalMilliseconds:F1}", $"{step.AddedP99.TotalMilliseconds:F1}", $"{step.Errors.Values.Sum() + step.Unsent}");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape($"Simulator alone: {result.SimulatorAloneMps:F0} mps. {(result.Knee is { } knee ? $"p99 passed 50 ms at {knee.Label}." : "p99 under 50 ms at every step.")} Reports: {written.FullName}"));
            break;
        }

        case "campaign" or "campaign-1m":
        {
            var scenario = parse.GetValue(scenarioArgument) == "campaign-1m"
                ? CampaignScenario.Million with { SiloSettings = settings }
                : new CampaignScenario(parse.GetValue(recipients), parse.GetValue(optedOut), parse.GetValue(undeliverable), parse.GetValue(tier)) { SiloSettings = settings };
            CampaignResult? result = null;
            await AnsiConsole.Status().StartAsync("starting", async context =>
                result = await new CampaignLoad(status => context.Status(Markup.Escape(status))).RunAsync(scenario, cancellationToken));
            misses = new CampaignThresholds(parse.GetValue(maxWorkingSet) * 1024L * 1024).Misses(result!);
            var written = Reports.Write(result!, misses, folder);
            AnsiConsole.MarkupLine(Markup.Escape($"Campaign {result!.CampaignId} {result.Status}: sent {result.Final.GetValueOrDefault("sent"):N0} at {result.SteadyMps:F0} mps steady; silo peak {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB. Reports: {written.FullName}"));
            break;
        }

        case "admission":
        {
            var chosen = Drivers(parse.GetValue(drivers)!, "admission");
            var scenario = new AdmissionScenario(parse.GetValue(messages) ?? 100_000, parse.GetValue(inFlight), chosen) { SiloSettings = settings };
            List<AdmissionResult>? results = null;
            await AnsiConsole.Status().StartAsync("starting", async context =>
                results = await new AdmissionRunner(status => context.Status(Markup.Escape(status))).RunAsync(scenario, cancellationToken));
            var table = new Table().AddColumns("Driver", "Messages", "Accepted per second", "p50 ms", "p99 ms", "p99.9 ms", "Silo CPU ms per message", "Peak working set MiB");
            foreach (var result in results!)
            {
                table.AddRow(
                    result.Driver == LoadDriver.Grpc ? "gRPC SendMessages (streams of 1,000)" : "HTTP /v1/messages/batch (1,000 a request)",
                    $"{result.Messages:N0}",
                    $"{result.AcceptedPerSecond:F0}",
                    $"{result.Latency[0].Value.TotalMilliseconds:F1}",
                    $"{result.Latency[2].Value.TotalMilliseconds:F1}",
                    $"{result.Latency[3].Value.TotalMilliseconds:F1}",
                    $"{result.CpuPerMessage.TotalMilliseconds:F3}",
                    $"{result.PeakWorkingSet / (1024.0 * 1024):F0}");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape($"{LoadRig.Machine}; {scenario.Concurrency} batches at once; ten numbers at 1 mps, no status webhooks: the silo's work is the admission."));
            misses = [.. results!.Where(r => r.Refused > 0).Select(r => $"{r.Driver}: {r.Refused} of {r.Messages} refused")];
            break;
        }

        case "upload":
        {
            var chosen = Drivers(parse.GetValue(drivers)!, "upload");
            List<UploadResult>? results = null;
            await AnsiConsole.Status().StartAsync("starting", async context =>
                results = await new UploadRunner(status => context.Status(Markup.Escape(status))).RunAsync(parse.GetValue(recipients), chosen, settings, cancellationToken));
            var table = new Table().AddColumns("Driver", "Rows", "Recipients", "Seconds", "Rows per second", "Silo CPU s", "Working set before MiB", "Peak working set MiB");
            foreach (var result in results!)
            {
                table.AddRow(
                    result.Driver == LoadDriver.Grpc ? "gRPC CreateCampaign stream" : "HTTP multipart NDJSON",
                    $"{result.Rows:N0}",
                    $"{result.Recipients:N0}",
                    $"{result.Elapsed.TotalSeconds:F1}",
                    $"{result.RowsPerSecond:F0}",
                    $"{result.SiloCpu.TotalSeconds:F1}",
                    $"{result.BaseWorkingSet / (1024.0 * 1024):F0}",
                    $"{result.PeakWorkingSet / (1024.0 * 1024):F0}");
            }

            AnsiConsole.Write(table);
            misses = [.. results!.Where(r => r.Recipients != r.Rows).Select(r => $"{r.Driver}: {r.Recipients} recipients of {r.Rows} rows")];
            break;
        }

        case "cluster":
        {
            var connection = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("WADISPATCH_LOAD_POSTGRES")
                ?? throw new ArgumentException("cluster runs its silos on PostgreSQL: give --postgres (or WADISPATCH_LOAD_POSTGRES) a connection string whose role may create databases.");
            var runs = new List<LoadResult>();
            foreach (var count in Numbers(parse.GetValue(silos)!))
            {
                var scenario = Scenario.Cluster((int)count, connection) with { Webhooks = webhooks, SiloSettings = settings };
                LoadResult? result = null;
                await AnsiConsole.Status().StartAsync("starting", async context =>
                    result = await new LoadRunner(status => context.Status(Markup.Escape($"{count} silo(s): {status}"))).RunAsync(scenario, cancellationToken));
                Reports.Write(result!, [], folder);
                runs.Add(result!);
            }

            var table = new Table().AddColumns("Silos", "Sent", "Sends per second", "Silo CPU s", "CPU ms per message", "Peak working set MiB (all silos)");
            foreach (var result in runs)
            {
                var sent = result.Numbers.Sum(n => n.Accepted);
                table.AddRow($"{result.Scenario.Silos}", $"{sent:N0}", $"{result.ThroughputMps:F0}", $"{result.SiloCpu.TotalSeconds:F1}", $"{result.SiloCpu.TotalMilliseconds / Math.Max(1, sent):F3}", $"{result.SiloPeakWorkingSet / (1024.0 * 1024):F0}");
            }

            AnsiConsole.Write(table);
            misses = [.. runs.Where(r => r.Numbers.Sum(n => n.Accepted) < r.Scenario.Numbers.Sum(r.Scenario.Backlog)).Select(r => $"{r.Scenario.Name}: the referee accepted {r.Numbers.Sum(n => n.Accepted)} of {r.Scenario.Numbers.Sum(r.Scenario.Backlog)}")];
            break;
        }

        case "sustained-search":
        {
            // Goal 5's fallback: the sustained mix at the highest share of its tiers that every number still holds.
            var thresholds = new Thresholds(parse.GetValue(minTierRatio), parse.GetValue(maxOverTier), parse.GetValue(maxRateLimited));
            var runs = await RateSearch.FindAsync(async share =>
            {
                var scenario = Scenario.Sustained(steady, share) with { Webhooks = webhooks, SiloSettings = settings, Driver = loadDriver, Postgres = parse.GetValue(postgres) };
                LoadResult? result = null;
                await AnsiConsole.Status().StartAsync("starting", async context =>
                    result = await new LoadRunner(status => context.Status(Markup.Escape($"{share:P1} of the tiers: {status}"))).RunAsync(scenario, cancellationToken));
                var missed = thresholds.Misses(result!);
                Reports.Write(result!, missed, folder);
                AnsiConsole.MarkupLine(Markup.Escape($"{share:P1} of the tiers ({scenario.Numbers.Sum(n => n.TierMps):N0} mps): {(missed.Count == 0 ? "held" : $"missed ({missed[0]}{(missed.Count > 1 ? $" and {missed.Count - 1} more" : string.Empty)})")}"));
                return (missed.Count == 0, result!);
            }, parse.GetValue(probes));

            var table = new Table().AddColumns("Share of tiers", "Tiers in all, mps", "Sent mps", "Lowest % of tier", "Windows over tier", "130429", "Silo CPU ms per message", "Silo cores", "Held");
            foreach (var probe in runs)
            {
                var result = probe.Result;
                var sent = result.Numbers.Sum(n => n.Accepted);
                table.AddRow(
                    $"{probe.Share:P1}",
                    $"{result.Scenario.Numbers.Sum(n => n.TierMps):N0}",
                    $"{result.ThroughputMps:F0}",
                    $"{result.Numbers.Min(n => n.TierRatio):P1}",
                    $"{result.Numbers.Sum(n => n.WindowsOverTier)}",
                    $"{result.Numbers.Sum(n => n.RateLimited)}",
                    $"{result.SiloCpu.TotalMilliseconds / Math.Max(1, sent):F3}",
                    $"{result.SiloCpu / result.Elapsed:F2}",
                    probe.Held ? "yes" : "no");
            }

            AnsiConsole.Write(table);
            var best = runs.Where(p => p.Held).MaxBy(p => p.Share);
            AnsiConsole.MarkupLine(Markup.Escape(best is null
                ? $"No share held, down to {runs.Min(p => p.Share):P1} of the tiers. Reports: {folder.FullName}"
                : $"Highest held: {best.Share:P1} of the tiers, {best.Result.Scenario.Numbers.Sum(n => n.TierMps):N0} mps in all, at {best.Result.SiloCpu.TotalMilliseconds / Math.Max(1, best.Result.Numbers.Sum(n => n.Accepted)):F3} ms of silo CPU per message ({best.Result.SiloCpu / best.Result.Elapsed:F2} cores). Reports: {folder.FullName}"));
            misses = best is null ? ["No share of the sustained tiers held."] : best.Share < 1.0 ? [$"The full sustained tiers did not hold; {best.Share:P1} of them did."] : [];
            break;
        }

        default:
        {
            Scenario scenario = parse.GetValue(scenarioArgument) switch
            {
                "sustained" => Scenario.Sustained(steady),
                "smoke" => Scenario.Smoke(steady),
                "max-throughput" => Scenario.MaxThroughput(steady),
                "tiers" => Scenario.Tiers(Numbers(parse.GetValue(tiers)!).Select(t => (int)t), steady),
                "backlog" when (parse.GetValue(messages) ?? 1_000_000) is var total && (total < 20 || total % 20 != 0) =>
                    throw new ArgumentException($"--messages is {total}; the backlog scenario shares it between 20 numbers, so it must be a positive multiple of 20."),
                "backlog" => Scenario.QueuedBacklog(parse.GetValue(messages) ?? 1_000_000),
                var other => throw new ArgumentException($"Unknown scenario '{other}': sustained, sustained-search, tiers, max-throughput, backlog, front-door, admission, cluster, campaign-1m, campaign or smoke."),
            };
            scenario = scenario with { Webhooks = webhooks, SiloSettings = settings, Driver = loadDriver, ConsoleWatchers = parse.GetValue(consoleWatchers), Postgres = parse.GetValue(postgres) };
            LoadResult? result = null;
            await AnsiConsole.Status().StartAsync("starting", async context =>
                result = await new LoadRunner(status => context.Status(Markup.Escape(status))).RunAsync(scenario, cancellationToken));
            misses = new Thresholds(parse.GetValue(minTierRatio), parse.GetValue(maxOverTier), parse.GetValue(maxRateLimited), parse.GetValue(minCeilingRatio))
            {
                MaxGrowthBytes = scenario.Name == "backlog" ? parse.GetValue(maxGrowth) * 1024L * 1024 : null,
            }.Misses(result!);
            var written = Reports.Write(result!, misses, folder);
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

            AnsiConsole.MarkupLine(Markup.Escape($"Throughput {result.ThroughputMps:F0} mps; admission p99 {result.Admission[2].Value.TotalMilliseconds:F1} ms; silo {result.SiloCpu.TotalSeconds:F1} s CPU, peak {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB. Reports: {written.FullName}"));
            break;
        }
    }

    foreach (var miss in misses)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(miss)}[/]");
    }

    return misses.Count == 0 ? 0 : 1;
});

var root = new RootCommand("WaDispatch load harness: sustained send rates against the simulator as referee.") { run };
return await root.Parse(ScenarioFile.Expand(args)).InvokeAsync();

static List<LoadDriver> Drivers(string list, string scenario) =>
    [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => d switch
    {
        "http" => LoadDriver.Http,
        "grpc" => LoadDriver.Grpc,
        _ => throw new ArgumentException($"{scenario} compares http and grpc, not '{d}'."),
    })];

static double[] Numbers(string list) => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
