using System.Globalization;
using System.Net;
using System.Text;

namespace WaDispatch.Load;

/// <summary>A run's report as Markdown, CSV (one row per number) and HTML with inline SVG charts, in a folder of its own.</summary>
internal static class Reports
{
    private static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Writes the three reports under <paramref name="root"/>/{scenario}-{time}; returns that folder.</summary>
    public static DirectoryInfo Write(LoadResult result, IReadOnlyList<string> misses, DirectoryInfo root)
    {
        var folder = root.CreateSubdirectory(string.Create(CultureInfo.InvariantCulture, $"{result.Scenario.Name}-{result.StartedAt:yyyyMMdd-HHmmss}"));
        File.WriteAllText(Path.Combine(folder.FullName, "report.md"), Markdown(result, misses));
        File.WriteAllText(Path.Combine(folder.FullName, "numbers.csv"), Csv(result));
        File.WriteAllText(Path.Combine(folder.FullName, "report.html"), Html(result, misses));
        return folder;
    }

    /// <summary>Writes a front-door run's reports (Markdown, <c>steps.csv</c>, HTML with its latency chart).</summary>
    public static DirectoryInfo Write(FrontDoorResult result, IReadOnlyList<string> misses, DirectoryInfo root)
    {
        var markdown = Markdown(result, misses);
        var csv = new StringBuilder("injection,target_mps,achieved_mps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,added_p50_ms,added_p90_ms,added_p99_ms,added_p999_ms,added_max_ms,errors,unsent\n");
        foreach (var step in result.Steps)
        {
            csv.Append(CultureInfo.InvariantCulture, $"\"{step.Label}\",{step.TargetMps:F0},{step.AchievedMps:F1},{string.Join(',', step.Latency.Select(l => l.Value.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture)))},{string.Join(',', step.Added.Select(l => l.Value.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture)))},{step.Errors.Values.Sum()},{step.Unsent}\n");
        }

        return Write("front-door", result.StartedAt, root, markdown, "steps.csv", csv.ToString(), $"<h2>Answer time and WaDispatch's share, by step</h2>{StepChart(result)}");
    }

    /// <summary>Writes a campaign run's reports (Markdown, <c>counts.csv</c>, HTML with its rate chart).</summary>
    public static DirectoryInfo Write(CampaignResult result, IReadOnlyList<string> misses, DirectoryInfo root)
    {
        var csv = new StringBuilder("count,expected,final\n");
        foreach (var key in result.Expected.Keys.Union(result.Final.Keys).Order(StringComparer.Ordinal))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{key},{(result.Expected.TryGetValue(key, out var e) ? e.ToString(CultureInfo.InvariantCulture) : string.Empty)},{result.Final.GetValueOrDefault(key)}\n");
        }

        var chart = RateChart([("campaign " + result.CampaignId, result.Scenario.TierMps, result.SentPerSecond)]);
        return Write("campaign", result.StartedAt, root, Markdown(result, misses), "counts.csv", csv.ToString(), $"<h2>Messages Meta accepted per second (the silo's counts, sent and failed)</h2>{chart}");
    }

    private static DirectoryInfo Write(string name, DateTimeOffset startedAt, DirectoryInfo root, string markdown, string csvName, string csv, string charts)
    {
        var folder = root.CreateSubdirectory(string.Create(CultureInfo.InvariantCulture, $"{name}-{startedAt:yyyyMMdd-HHmmss}"));
        File.WriteAllText(Path.Combine(folder.FullName, "report.md"), markdown);
        File.WriteAllText(Path.Combine(folder.FullName, csvName), csv);
        File.WriteAllText(Path.Combine(folder.FullName, "report.html"), Page(name, charts, markdown));
        return folder;
    }

    public static string Markdown(FrontDoorResult result, IReadOnlyList<string> misses)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Load run: front-door\n\n{result.StartedAt:yyyy-MM-dd HH:mm} UTC on {result.Machine}. `POST /v21.0/{{phone_number_id}}/messages` (each answer after Meta's), {result.Scenario.Numbers} numbers with tiers they cannot reach, a new recipient per request; each step measured after a {result.Scenario.WarmUp.TotalSeconds:0} s warm-up; status webhooks {(result.Scenario.Webhooks ? "on" : "off")}. Latency is from each request's scheduled start (open model) to its answer; WaDispatch's share is the answer time less Meta's (`Server-Timing: upstream`).\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Simulator alone, driven directly in the same run: **{result.SimulatorAloneMps:F0} mps**.\n\n");
        text.Append("| Step | Share of ceiling | Achieved mps | p50 | p90 | p99 | p99.9 | max | WaDispatch p50 | p99 | p99.9 | Errors | Unsent |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var step in result.Steps)
        {
            var share = step.TargetMps is { } target ? (target / result.SimulatorAloneMps).ToString("P0", CultureInfo.InvariantCulture) : "—";
            text.Append(CultureInfo.InvariantCulture, $"| {step.Label} | {share} | {step.AchievedMps:F0} | {Ms(step.Latency[0].Value)} | {Ms(step.Latency[1].Value)} | {Ms(step.Latency[2].Value)} | {Ms(step.Latency[3].Value)} | {Ms(step.Latency[4].Value)} | {Ms(step.Added[0].Value)} | {Ms(step.Added[2].Value)} | {Ms(step.Added[3].Value)} | {(step.Errors.Count == 0 ? "0" : string.Join("; ", step.Errors.Select(e => $"{e.Key}: {e.Value}")))} | {step.Unsent} |\n");
        }

        if (result.Steps.Any(s => s.Phases.Count > 0))
        {
            text.Append("\nWhere WaDispatch's share went (the silo's `Server-Timing` steps; mean over every answer / over the slowest 1 % by WaDispatch's share; \"harness late\" is how late the harness started the request after its scheduled time; \"outside the silo\" is the network's, Kestrel's and the client's time around the route):\n\n");
            text.Append(CultureInfo.InvariantCulture, $"| Step | {string.Join(" | ", Phases.Names)} |\n|---|{string.Concat(Phases.Names.Select(_ => "---|"))}\n");
            foreach (var step in result.Steps.Where(s => s.Phases.Count > 0))
            {
                text.Append(CultureInfo.InvariantCulture, $"| {step.Label} | {string.Join(" | ", step.Phases.Select(p => $"{Ms(p.All)} / **{Ms(p.Slowest)}**"))} |\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"\nPaused in garbage collections during each measured stretch: {string.Join("; ", result.Steps.Select(s => $"{s.Label}: the silo {Ms(s.SiloGcPause)}, the harness and referee {Ms(s.HarnessGcPause)}"))}.\n");
        text.Append(CultureInfo.InvariantCulture, $"\n{(result.Knee is { } knee ? $"p99 passed 50 ms first at **{knee.Label}** ({knee.AchievedMps:F0} mps achieved)." : "p99 stayed under 50 ms at every step.")} ");
        text.Append(CultureInfo.InvariantCulture, $"Silo: {result.SiloCpu.TotalSeconds:F1} s CPU, peak working set {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB.\n\n");
        text.Append(misses.Count == 0 ? "All thresholds met.\n" : "Thresholds missed:\n" + string.Concat(misses.Select(m => $"- {m}\n")));
        return text.ToString();
    }

    public static string Markdown(CampaignResult result, IReadOnlyList<string> misses)
    {
        var s = result.Scenario;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Load run: campaign\n\n{result.StartedAt:yyyy-MM-dd HH:mm} UTC on {result.Machine}. One campaign of {s.Recipients:N0} recipients ({s.OptedOutShare:P0} opted out beforehand through `user_preferences` webhooks, {s.UndeliverableShare:P0} failed by Meta with 131026 after acceptance) on a {s.TierMps}-mps number, its audience uploaded as a multipart NDJSON file; status webhooks on.\n\n");
        text.Append("| Count | Expected | Final |\n|---|---|---|\n");
        foreach (var key in result.Expected.Keys.Union(result.Final.Keys).Order(StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"| {key} | {(result.Expected.TryGetValue(key, out var e) ? e.ToString("N0", CultureInfo.InvariantCulture) : "—")} | {result.Final.GetValueOrDefault(key):N0} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nCampaign {result.CampaignId} ended **{result.Status}**. Upload {result.Upload.TotalSeconds:F1} s; sending {result.Sending.TotalMinutes:F1} min, {result.SteadyMps:F0} messages accepted by Meta per second from the first to the last ({result.SteadyMps / s.TierMps:P1} of the tier); referee: fullest sliding second {result.FullestSecond}, {result.RateLimited} × 130429. ");
        text.Append(CultureInfo.InvariantCulture, $"Silo: {result.SiloCpu.TotalSeconds:F0} s CPU while sending, **peak working set {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB**.\n\n");
        text.Append(misses.Count == 0 ? "All thresholds met.\n" : "Thresholds missed:\n" + string.Concat(misses.Select(m => $"- {m}\n")));
        return text.ToString();
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString(value.TotalMilliseconds < 10 ? "F2" : "F0", CultureInfo.InvariantCulture) + " ms";

    private static string Page(string name, string charts, string markdown) => $$"""
        <!doctype html>
        <html><head><meta charset="utf-8"><title>WaDispatch load run: {{WebUtility.HtmlEncode(name)}}</title>
        <style>body{font-family:sans-serif;margin:2em} pre{white-space:pre-wrap} svg{border:1px solid #ccc;margin:1em 0}</style></head>
        <body>
        <h1>Load run: {{WebUtility.HtmlEncode(name)}}</h1>
        {{charts}}
        <h2>Report</h2>
        <pre>{{WebUtility.HtmlEncode(markdown)}}</pre>
        </body></html>
        """;

    /// <summary>p50 and p99 of the answer time and p99 of WaDispatch's share, against each step's achieved rate.</summary>
    private static string StepChart(FrontDoorResult result)
    {
        const int width = 900, height = 320, pad = 40;
        var series = new (string Name, Func<StepResult, double> Value)[]
        {
            ("p50", s => s.Latency[0].Value.TotalMilliseconds),
            ("p99", s => s.P99.TotalMilliseconds),
            ("WaDispatch p99", s => s.AddedP99.TotalMilliseconds),
        };
        var right = Math.Max(1, result.Steps.Max(s => s.AchievedMps) * 1.1);
        var top = Math.Max(1, result.Steps.Max(s => s.P99.TotalMilliseconds) * 1.1);
        double X(double mps) => pad + (mps / right * (width - (2 * pad)));
        double Y(double ms) => height - pad - (ms / top * (height - (2 * pad)));
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"5\" y=\"15\" font-size=\"12\">{top:F0} ms</text><text x=\"{width - 90}\" y=\"{height - 5}\" font-size=\"12\">{right:F0} mps</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{pad}\" x2=\"{width - pad}\" y1=\"{Y(50):F1}\" y2=\"{Y(50):F1}\" stroke=\"#999\" stroke-dasharray=\"4 4\"><title>50 ms</title></line>");
        for (var i = 0; i < series.Length; i++)
        {
            var (name, value) = series[i];
            var points = string.Join(' ', result.Steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{X(s.AchievedMps):F1},{Y(Math.Min(top, value(s))):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colors[i]}\" stroke-width=\"2\" points=\"{points}\"><title>{name}</title></polyline>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{pad + 10}\" y=\"{20 + (i * 14)}\" font-size=\"12\" fill=\"{Colors[i]}\">{name}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    public static string Markdown(LoadResult result, IReadOnlyList<string> misses)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Load run: {result.Scenario.Name}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{result.StartedAt:yyyy-MM-dd HH:mm} UTC on {result.Machine}. Steady stretch {result.Scenario.Steady.TotalSeconds:0} s after a {result.Scenario.WarmUp.TotalSeconds:0} s warm-up; status webhooks {(result.Scenario.Webhooks ? "on" : "off")}; storage {(result.Scenario.Postgres is null ? "SQLite" : "PostgreSQL")}; driven {result.Scenario.Driver switch { LoadDriver.Embedded => "through the embedded client (an Orleans client in the harness's process, connected to the silo's gateway)", LoadDriver.Grpc => "through the silo's gRPC front door (a SendMessages stream per 1,000 messages)", _ => "through the silo's HTTP front door" }}.\n\n");
        text.Append("| Number | Tier | Messages | Steady mps | % of tier | Fullest sliding second | Windows over tier | 130429 |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var n in result.Numbers)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {n.PhoneNumberId} | {n.TierMps} | {n.Accepted}/{n.Planned} | {n.SteadyMps:F1} | {n.TierRatio:P1} | {n.FullestSecond} | {n.WindowsOverTier} | {n.RateLimited} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nThroughput {result.ThroughputMps:F0} mps; the run took {result.Elapsed.TotalSeconds:F0} s. ");
        if (result.SimulatorAloneMps is { } alone)
        {
            text.Append(CultureInfo.InvariantCulture, $"The simulator alone, driven directly in the same run: {alone:F0} mps; WaDispatch reached {result.ThroughputMps / alone:P1} of it. ");
        }

        text.Append("Batch admission (1,000 messages per request): ");

        text.Append(string.Join(", ", result.Admission.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Label} {a.Value.TotalMilliseconds:F1} ms"))));
        text.Append(CultureInfo.InvariantCulture, $".\n\nSilo: {result.SiloCpu.TotalSeconds:F1} s CPU, peak working set {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB (base {result.SiloBaseWorkingSet / (1024.0 * 1024):F0} MiB before the backlog; {result.LargestBacklog.WorkingSet / (1024.0 * 1024):F0} MiB at the largest backlog sampled, {result.LargestBacklog.Messages:N0} messages accepted and not yet sent), GC collections {(result.SiloGcCollections.Count == 0 ? "not reported" : string.Join(", ", result.SiloGcCollections.OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Value:0}")))}.\n");
        if (result.Scenario.ConsoleWatchers > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Live consoles open: {result.Scenario.ConsoleWatchers} ({result.ConsoleRefreshes} refreshes of /console/state). ");
        }

        var referred = Math.Max(1, result.Numbers.Sum(n => n.Accepted));
        text.Append(CultureInfo.InvariantCulture, $"Silo CPU per message accepted by the referee: {result.SiloCpu.TotalMilliseconds / referred:F3} ms");
        text.Append(result.RefereeWebhooks switch
        {
            null => ".\n",
            { AllApplied: true } => string.Create(CultureInfo.InvariantCulture, $", its status webhooks included ({result.SiloCpuAtLastSend.TotalMilliseconds / referred:F3} ms by the time the harness saw the referee accept the last message).\n"),
            _ => string.Create(CultureInfo.InvariantCulture, $"; its status webhooks NOT all included: some were still waiting, unapplied or given up when the CPU was read ({result.SiloCpuAtLastSend.TotalMilliseconds / referred:F3} ms by the time the harness saw the referee's last acceptance).\n"),
        });
        if (result.SiloJitTime > TimeSpan.Zero)
        {
            text.Append(CultureInfo.InvariantCulture, $"The silo's JIT compiled for {result.SiloJitTime.TotalSeconds:F1} s of it (a fresh process's one-off): {(result.SiloCpu - result.SiloJitTime).TotalMilliseconds / referred:F3} ms per message or more without it.\n");
        }

        if (result.SiloAllocatedBytes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Silo heap allocations from its start: {result.SiloAllocatedBytes / (1024.0 * 1024 * 1024):F2} GiB, {result.SiloAllocatedBytes / 1024 / referred:F1} KiB per message accepted by the referee.\n");
        }

        if (result is { RefereeCpu: { } referee, HarnessCpu: { } harness })
        {
            text.Append(CultureInfo.InvariantCulture, $"On the same cores over the run: the referee {referee.TotalSeconds:F1} s CPU, the harness {harness.TotalSeconds:F1} s (the silo {result.SiloCpu.TotalSeconds:F1} s).\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Front-door refusals: {(result.Errors.Count == 0 ? "none" : string.Join(", ", result.Errors.Select(e => $"{e.Key}: {e.Value}")))}. ");
        text.Append(result.Webhooks is { } webhooks
            ? string.Create(CultureInfo.InvariantCulture, $"Webhook deliveries applied: {webhooks.Applied:N0}, mean lag from arrival {webhooks.MeanLag.TotalMilliseconds:F1} ms.\n\n")
            : "Webhook lag not measured (WaDispatch embedded: no /metrics).\n\n");
        if (result.DepartureWaits is { } waits)
        {
            text.Append(CultureInfo.InvariantCulture, $"From permit to departure in the silo's lanes (its `sending` mark and its place in the departures): {waits.Sends:N0} sends, mean {waits.Mean.TotalMilliseconds:F0} ms, {waits.OverASecond:N0} over a second.\n\n");
        }

        if (result.RefereeWebhooks is { } statuses)
        {
            text.Append(CultureInfo.InvariantCulture, $"The referee's status webhooks when the silo's CPU was read: {statuses.Delivered:N0} delivered to the silo ({(statuses.Applied is { } applied ? applied.ToString("N0", CultureInfo.InvariantCulture) : "not read")} applied by it), {statuses.Abandoned:N0} given up, {statuses.Pending:N0} still waiting; the run waited {result.WebhookDrain.TotalSeconds:F1} s for them after the harness saw the last acceptance.\n\n");
        }

        text.Append(misses.Count == 0 ? "All thresholds met.\n" : "Thresholds missed:\n" + string.Concat(misses.Select(m => $"- {m}\n")));
        return text.ToString();
    }

    public static string Csv(LoadResult result)
    {
        var text = new StringBuilder("phone_number_id,tier_mps,planned,accepted,steady_mps,tier_ratio,fullest_sliding_second,windows_over_tier,rate_limited,per_second\n");
        foreach (var n in result.Numbers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{n.PhoneNumberId},{n.TierMps},{n.Planned},{n.Accepted},{n.SteadyMps:F2},{n.TierRatio:F4},{n.FullestSecond},{n.WindowsOverTier},{n.RateLimited},\"{string.Join(' ', n.PerSecond)}\"\n");
        }

        return text.ToString();
    }

    public static string Html(LoadResult result, IReadOnlyList<string> misses) =>
        Page(
            result.Scenario.Name,
            $"<h2>Arrivals per second at the referee, per number</h2>{RateChart([.. result.Numbers.Select(n => (n.PhoneNumberId, n.TierMps, n.PerSecond))])}<h2>Batch admission latency</h2>{LatencyChart(result)}",
            Markdown(result, misses));

    /// <summary>Messages per second per series, with each tier as a dashed line.</summary>
    private static string RateChart(IReadOnlyList<(string Name, int TierMps, IReadOnlyList<int> PerSecond)> numbers)
    {
        const int width = 900, height = 320, pad = 40;
        var seconds = Math.Max(1, numbers.Max(n => n.PerSecond.Count));
        var top = Math.Max(1, numbers.Max(n => Math.Max(n.TierMps, n.PerSecond.DefaultIfEmpty(0).Max())) * 1.1);
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"5\" y=\"15\" font-size=\"12\">{top:F0} mps</text><text x=\"{width - 60}\" y=\"{height - 5}\" font-size=\"12\">{seconds} s</text>");
        for (var i = 0; i < numbers.Count; i++)
        {
            var n = numbers[i];
            var color = Colors[i % Colors.Length];
            double X(double s) => pad + (s / seconds * (width - (2 * pad)));
            double Y(double v) => height - pad - (v / top * (height - (2 * pad)));
            var points = string.Join(' ', n.PerSecond.Select((v, s) => string.Create(CultureInfo.InvariantCulture, $"{X(s + 0.5):F1},{Y(v):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points}\"><title>{n.Name} (tier {n.TierMps})</title></polyline>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{pad}\" x2=\"{width - pad}\" y1=\"{Y(n.TierMps):F1}\" y2=\"{Y(n.TierMps):F1}\" stroke=\"{color}\" stroke-dasharray=\"4 4\" stroke-width=\"0.8\"/>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>The admission percentiles as bars.</summary>
    private static string LatencyChart(LoadResult result)
    {
        const int width = 500, height = 220, pad = 30;
        var top = Math.Max(0.001, result.Admission.Max(a => a.Value.TotalMilliseconds) * 1.1);
        var bar = (width - (2 * pad)) / result.Admission.Count;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < result.Admission.Count; i++)
        {
            var (label, value) = result.Admission[i];
            var h = value.TotalMilliseconds / top * (height - (2 * pad));
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{pad + (i * bar) + 5}\" y=\"{height - pad - h:F1}\" width=\"{bar - 10}\" height=\"{h:F1}\" fill=\"#1f77b4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{pad + (i * bar) + 5}\" y=\"{height - 10}\" font-size=\"12\">{label}</text><text x=\"{pad + (i * bar) + 5}\" y=\"{height - pad - h - 4:F1}\" font-size=\"11\">{value.TotalMilliseconds:F1} ms</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
