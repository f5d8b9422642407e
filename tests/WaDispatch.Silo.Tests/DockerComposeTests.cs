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
        var settings = Silos().SelectMany(s => Environment(s).Keys).Concat(Environment("simulator").Keys).Select(k => k.Replace("__", ":", StringComparison.Ordinal));

        var unknown = settings.Where(key => !known.Contains(key) && !DictionarySettings.Any(d => key.StartsWith(d + ":", StringComparison.Ordinal)) && !key.StartsWith("Logging:", StringComparison.Ordinal)).Distinct().ToList();

        Assert.NotEmpty(Environment("silo1"));
        Assert.Empty(unknown);
    }

    [Fact]
    public void TheSilosAndTheSimulator_AgreeOnTokenSecretAndAddresses()
    {
        var simulator = Environment("simulator");
        Assert.StartsWith("http://balancer:8080/", simulator["Simulator__WebhookUrl"], StringComparison.Ordinal);
        Assert.Contains("8080", File.ReadAllText(Path.Combine(Docker, "silo.Dockerfile")), StringComparison.Ordinal);
        Assert.Contains("8090", File.ReadAllText(Path.Combine(Docker, "simulator.Dockerfile")), StringComparison.Ordinal);
        foreach (var name in Silos())
        {
            var silo = Environment(name);
            Assert.Equal(simulator["Simulator__AccessToken"], silo["CloudApi__AccessToken"]);
            Assert.Equal(simulator["Simulator__AppSecret"], silo["Webhooks__AppSecret"]);
            Assert.Equal("PostgreSql", silo["Storage__Provider"]);
            Assert.Equal("false", silo["Simulator__Enabled"]);
            Assert.StartsWith("http://simulator:8090/", silo["CloudApi__BaseAddress"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ThreeSilos_FormOneCluster_EachAdvertisingItsOwnAddress_BehindTheBalancer()
    {
        var compose = File.ReadAllText(Path.Combine(Docker, "compose.yaml"));
        var balancer = File.ReadAllText(Path.Combine(Docker, "nginx.conf"));
        var silos = Silos();
        Assert.Equal(3, silos.Count);

        var environments = silos.Select(Environment).ToList();
        foreach (var (name, silo) in silos.Zip(environments))
        {
            Assert.Equal("AdoNet", silo["Orleans__Membership"]);
            Assert.True(System.Net.IPAddress.TryParse(silo["Orleans__AdvertisedAddress"], out _), $"{name} advertises an IP address");

            // The address it advertises is the one it has on the compose network, where the other silos reach it.
            Assert.Contains($"  {name}:", compose, StringComparison.Ordinal);
            Assert.Matches(new Regex($@"(?s)  {name}:.*?ipv4_address: {Regex.Escape(silo["Orleans__AdvertisedAddress"])}\n"), compose);
            Assert.Contains($"server {name}:8080", balancer, StringComparison.Ordinal);

            // And its gRPC port, the default Grpc:Port unless the compose file sets another.
            Assert.Contains($"server {name}:{(silo.TryGetValue("Grpc__Port", out var grpc) ? grpc : new WaDispatch.Silo.Grpc.GrpcOptions().Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}", balancer, StringComparison.Ordinal);
        }

        // One cluster on one database.
        foreach (var key in (string[])["Storage__ConnectionString", "Orleans__ClusterId", "Orleans__ServiceId"])
        {
            Assert.Single(environments.Select(e => e[key]).Distinct());
        }

        Assert.Equal(silos.Count, environments.Select(e => e["Orleans__AdvertisedAddress"]).Distinct().Count());
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

    /// <summary>
    /// The <c>environment:</c> map of a service in compose.yaml (keys as written, values unquoted), with the entries of
    /// a map it merges in (<c>&lt;&lt;: *anchor</c>, a top-level <c>x-…: &amp;anchor</c> map).
    /// </summary>
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
            else if (inEnvironment && line.StartsWith("      <<: *", StringComparison.Ordinal))
            {
                foreach (var (key, value) in Anchor(lines, line["      <<: *".Length..]))
                {
                    settings.TryAdd(key, value);
                }
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

    /// <summary>The entries of the top-level map anchored as <paramref name="anchor"/>.</summary>
    private static IEnumerable<(string Key, string Value)> Anchor(string[] lines, string anchor)
    {
        var start = Array.FindIndex(lines, l => l.EndsWith($": &{anchor}", StringComparison.Ordinal) && !l.StartsWith(' '));
        Assert.True(start >= 0, $"anchor {anchor} is in compose.yaml");
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)))
        {
            if (AnchoredSetting().Match(line) is { Success: true } match)
            {
                yield return (match.Groups[1].Value, match.Groups[2].Value.Trim().Trim('"'));
            }
        }
    }

    /// <summary>The services of compose.yaml that run a silo.</summary>
    private static List<string> Silos() =>
        [.. File.ReadAllLines(Path.Combine(Docker, "compose.yaml")).Select(l => SiloService().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"^  ([A-Za-z0-9_]+): (.*)$")]
    private static partial Regex AnchoredSetting();

    [GeneratedRegex(@"^  (silo\d+):$")]
    private static partial Regex SiloService();

    [GeneratedRegex(@"^      ([A-Za-z0-9_]+): (.*)$")]
    private static partial Regex Setting();

    [GeneratedRegex(@"(?m)^USER (?!root)\w+")]
    private static partial Regex User();
}
