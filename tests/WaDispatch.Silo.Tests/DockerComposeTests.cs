using System.Text.RegularExpressions;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// docker/ cannot be run here (no Docker engine), so its files are held to what the code reads: every
/// setting the compose file gives the silo or the simulator is one they bind, and both sides agree on the
/// secrets they share.
/// </summary>
public sealed partial class DockerComposeTests
{
    private static readonly string Docker = Path.Combine(ConfigurationReferenceTests.Root().FullName, "docker");

    /// <summary>Settings that are dictionaries: their entries are named by the caller.</summary>
    private static readonly string[] DictionarySettings = ["Api:Keys", "CloudApi:AccessTokens", "Simulator:TemplateCategories"];

    [Fact]
    public void EverySettingTheComposeFileGives_IsOneTheSiloOrSimulatorReads()
    {
        var known = ConfigurationReferenceTests.Keys().ToHashSet(StringComparer.Ordinal);
        var settings = Environment("silo").Keys.Concat(Environment("simulator").Keys).Select(k => k.Replace("__", ":", StringComparison.Ordinal));

        var unknown = settings.Where(key => !known.Contains(key) && !DictionarySettings.Any(d => key.StartsWith(d + ":", StringComparison.Ordinal)) && !key.StartsWith("Logging:", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(Environment("silo"));
        Assert.Empty(unknown);
    }

    [Fact]
    public void TheSiloAndTheSimulator_AgreeOnTokenSecretAndAddresses()
    {
        var silo = Environment("silo");
        var simulator = Environment("simulator");

        Assert.Equal(simulator["Simulator__AccessToken"], silo["CloudApi__AccessToken"]);
        Assert.Equal(simulator["Simulator__AppSecret"], silo["Webhooks__AppSecret"]);
        Assert.Equal("PostgreSql", silo["Storage__Provider"]);
        Assert.Equal("false", silo["Simulator__Enabled"]);
        Assert.StartsWith("http://silo:8080/", simulator["Simulator__WebhookUrl"], StringComparison.Ordinal);
        Assert.StartsWith("http://simulator:8090/", silo["CloudApi__BaseAddress"], StringComparison.Ordinal);
        Assert.Contains("8080", File.ReadAllText(Path.Combine(Docker, "silo.Dockerfile")), StringComparison.Ordinal);
        Assert.Contains("8090", File.ReadAllText(Path.Combine(Docker, "simulator.Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSiloImage_RunsAsANonRootUser_AndChecksReadiness()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Docker, "silo.Dockerfile"));

        Assert.Matches(User(), dockerfile);
        Assert.Contains("HEALTHCHECK", dockerfile, StringComparison.Ordinal);
        Assert.Contains("/readyz", dockerfile, StringComparison.Ordinal);
        Assert.Contains("silo/WaDispatch.Silo/WaDispatch.Silo.csproj", dockerfile, StringComparison.Ordinal);
    }

    /// <summary>The <c>environment:</c> map of a service in compose.yaml (keys as written, values unquoted).</summary>
    private static Dictionary<string, string> Environment(string service)
    {
        var lines = File.ReadAllLines(Path.Combine(Docker, "compose.yaml"));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = Array.FindIndex(lines, l => l == $"  {service}:");
        Assert.True(start >= 0, $"service {service} is in compose.yaml");
        var inEnvironment = false;
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith("    ", StringComparison.Ordinal)))
        {
            if (line == "    environment:")
            {
                inEnvironment = true;
            }
            else if (inEnvironment && Setting().Match(line) is { Success: true } match)
            {
                settings[match.Groups[1].Value] = match.Groups[2].Value.Trim().Trim('"');
            }
            else if (line.StartsWith("    ", StringComparison.Ordinal) && !line.StartsWith("      ", StringComparison.Ordinal))
            {
                inEnvironment = false;
            }
        }

        return settings;
    }

    [GeneratedRegex(@"^      ([A-Za-z0-9_]+): (.*)$")]
    private static partial Regex Setting();

    [GeneratedRegex(@"(?m)^USER (?!root)\w+")]
    private static partial Regex User();
}
