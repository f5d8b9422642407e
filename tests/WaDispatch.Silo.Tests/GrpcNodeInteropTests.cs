using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// The gRPC front door from outside .NET: <c>tests/interop/node/interop.js</c> (Node, <c>@grpc/grpc-js</c> and
/// <c>@grpc/proto-loader</c>, installed by <c>.ci/run</c>) loads the .proto files the client ships and calls a real silo.
/// </summary>
public sealed class GrpcNodeInteropTests
{
    private const string Number = "106540352242922";
    private const string ApiKey = "node-interop-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANodeClient_SendsAMessage_StreamsAThousand_AndReadsACampaign()
    {
        using var file = new TempSqliteFile();
        await using var simulator = await SimulatorServer.StartAsync(o => o.AppSecret = "node-secret");
        await using var silo = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", file.ConnectionString, "--Simulator:Enabled", "false", "--CloudApi:BaseAddress", simulator.Address.ToString(), "--Webhooks:AppSecret", "node-secret", "--Api:Keys:node", ApiKey, "--Budgets:DefaultTier", "TIER_UNLIMITED", "--Lanes:DefaultThroughputMps", "1000"]);
        await silo.StartAsync(Ct);
        TestSilo.SendWebhooksTo(simulator, silo);
        var folder = Path.Combine(ConfigurationReferenceTests.Root().FullName, "tests", "interop", "node");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js")), $"Run 'npm ci' in {folder} first (.ci/run does).");

        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["interop.js", TestSilo.GrpcAddressOf(silo).Authority, ApiKey, Number])
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync(Ct);
        var errors = node.StandardError.ReadToEndAsync(Ct);
        await node.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await errors}");
        using var seen = JsonDocument.Parse(await output);
        var root = seen.RootElement;

        Assert.Equal(32, root.GetProperty("one").GetString()!.Length);
        Assert.Equal((1000, 1000, true), (root.GetProperty("streamed").GetInt32(), root.GetProperty("accepted").GetInt32(), root.GetProperty("inOrder").GetBoolean()));
        Assert.Equal(25, root.GetProperty("recipients").GetInt32());
        Assert.Equal(3, root.GetProperty("invalid").GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        Assert.Contains("message.content is required", root.GetProperty("invalid").GetProperty("details").GetString(), StringComparison.Ordinal);
        var meta = simulator.Services.GetRequiredService<CloudApiSimulator>();
        await UntilAsync(() => meta.Ledger(Number).Count >= 1026);
        Assert.Equal(1026, meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());
    }

    private static async Task UntilAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the simulator did not receive every message in time");
            await Task.Delay(100, Ct);
        }
    }
}
