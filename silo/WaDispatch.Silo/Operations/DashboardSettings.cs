namespace WaDispatch.Silo.Operations;

/// <summary>The Orleans dashboard the silo mounts (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardSettings
{
    /// <summary>The silo's own route prefixes, which the dashboard may not take.</summary>
    private static readonly string[] OwnRoutes = ["/v1", "/webhooks", "/simulator", "/metrics", "/healthz", "/readyz", "/console"];

    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>
    /// Mount <c>Microsoft.Orleans.Dashboard</c> (grains, silos, calls). Default off: while on it profiles every grain
    /// call and collects Orleans' meters every second, about a tenth of a busy silo's CPU and 60 MiB (docs/operations.md).
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Where it is served. Default <c>/dashboard</c>.</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>The settings' problems, each naming its setting; empty when they are fine.</summary>
    public IReadOnlyList<string> Check() =>
        !Enabled ? []
        : string.IsNullOrEmpty(Path) || Path[0] != '/' || Path.Length < 2 || Path.EndsWith('/') || Path.Contains("//", StringComparison.Ordinal)
            ? [$"Dashboard:Path is '{Path}'; it must start with '/', name at least one segment and not end with '/'."]
        : OwnRoutes.FirstOrDefault(taken => new PathString(Path).StartsWithSegments(taken)) is { } taken
            ? [$"Dashboard:Path is '{Path}'; {taken} is one of the silo's own routes."]
        : [];
}
