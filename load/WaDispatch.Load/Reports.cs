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

    public static string Markdown(LoadResult result, IReadOnlyList<string> misses)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Load run: {result.Scenario.Name}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{result.StartedAt:yyyy-MM-dd HH:mm} UTC on {result.Machine}. Steady stretch {result.Scenario.Steady.TotalSeconds:0} s after a {result.Scenario.WarmUp.TotalSeconds:0} s warm-up; status webhooks {(result.Scenario.Webhooks ? "on" : "off")}.\n\n");
        text.Append("| Number | Tier | Messages | Steady mps | % of tier | Fullest sliding second | Windows over tier | 130429 |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var n in result.Numbers)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {n.PhoneNumberId} | {n.TierMps} | {n.Accepted}/{n.Planned} | {n.SteadyMps:F1} | {n.TierRatio:P1} | {n.FullestSecond} | {n.WindowsOverTier} | {n.RateLimited} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nThroughput {result.ThroughputMps:F0} mps over {result.Elapsed.TotalSeconds:F0} s. ");
        if (result.SimulatorAloneMps is { } alone)
        {
            text.Append(CultureInfo.InvariantCulture, $"The simulator alone, driven directly in the same run: {alone:F0} mps; WaDispatch reached {result.ThroughputMps / alone:P1} of it. ");
        }

        text.Append("Batch admission (1,000 messages per request): ");

        text.Append(string.Join(", ", result.Admission.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Label} {a.Value.TotalMilliseconds:F1} ms"))));
        text.Append(CultureInfo.InvariantCulture, $".\n\nSilo: {result.SiloCpu.TotalSeconds:F1} s CPU, peak working set {result.SiloPeakWorkingSet / (1024.0 * 1024):F0} MiB, GC collections {(result.SiloGcCollections.Count == 0 ? "not reported" : string.Join(", ", result.SiloGcCollections.OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Value:0}")))}.\n");
        text.Append(CultureInfo.InvariantCulture, $"Front-door refusals: {(result.Errors.Count == 0 ? "none" : string.Join(", ", result.Errors.Select(e => $"{e.Key}: {e.Value}")))}.\n\n");
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

    public static string Html(LoadResult result, IReadOnlyList<string> misses)
    {
        var markdown = WebUtility.HtmlEncode(Markdown(result, misses));
        return $$"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>WaDispatch load run: {{WebUtility.HtmlEncode(result.Scenario.Name)}}</title>
            <style>body{font-family:sans-serif;margin:2em} pre{white-space:pre-wrap} svg{border:1px solid #ccc;margin:1em 0}</style></head>
            <body>
            <h1>Load run: {{WebUtility.HtmlEncode(result.Scenario.Name)}}</h1>
            <h2>Arrivals per second at the referee, per number</h2>
            {{RateChart(result)}}
            <h2>Batch admission latency</h2>
            {{LatencyChart(result)}}
            <h2>Report</h2>
            <pre>{{markdown}}</pre>
            </body></html>
            """;
    }

    /// <summary>Arrivals per second per number, with each tier as a dashed line.</summary>
    private static string RateChart(LoadResult result)
    {
        const int width = 900, height = 320, pad = 40;
        var seconds = Math.Max(1, result.Numbers.Max(n => n.PerSecond.Count));
        var top = Math.Max(1, result.Numbers.Max(n => Math.Max(n.TierMps, n.PerSecond.DefaultIfEmpty(0).Max())) * 1.1);
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"5\" y=\"15\" font-size=\"12\">{top:F0} mps</text><text x=\"{width - 60}\" y=\"{height - 5}\" font-size=\"12\">{seconds} s</text>");
        for (var i = 0; i < result.Numbers.Count; i++)
        {
            var n = result.Numbers[i];
            var color = Colors[i % Colors.Length];
            double X(double s) => pad + (s / seconds * (width - (2 * pad)));
            double Y(double v) => height - pad - (v / top * (height - (2 * pad)));
            var points = string.Join(' ', n.PerSecond.Select((v, s) => string.Create(CultureInfo.InvariantCulture, $"{X(s + 0.5):F1},{Y(v):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points}\"><title>{n.PhoneNumberId} (tier {n.TierMps})</title></polyline>");
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
