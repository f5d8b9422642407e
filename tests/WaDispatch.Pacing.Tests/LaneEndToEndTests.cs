using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Lanes;
using WaDispatch.Silo.Tests;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Pacing.Tests;

/// <summary>
/// A real silo (a process of its own) pacing one number at 1,000 mps against the simulator in another process,
/// over real HTTP: the referee counts every arrival in strict sliding seconds, and like Meta it never
/// pauses when the silo does. It has a test assembly of its own, since its timing is the point.
/// </summary>
public sealed class LaneEndToEndTests
{
    private const string Number = "106540352242922";
    private const string WarmUpNumber = "106540352242900";

    [Fact]
    public async Task AtOneThousandMessagesPerSecond_TheUpstreamSeesNo130429_NoSlidingSecondOverTheTier_AndAtLeast97Percent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var file = new TempSqliteFile();
        await using var simulator = await SimulatorProcess.StartAsync();

        // The silo in a process of its own too: nothing of the test host (its heap, its threads) shares the silo's seconds.
        await using var silo = await SiloProcess.StartAsync(
            "--Storage:ConnectionString", file.ConnectionString,
            "--Simulator:Enabled", "false",
            "--CloudApi:BaseAddress", simulator.Address.ToString());
        using var admin = new HttpClient { BaseAddress = silo.Address };
        foreach (var number in (string[])[Number, WarmUpNumber])
        {
            await simulator.SetMessagesPerSecondAsync(number, 1000);
            (await admin.PutAsJsonAsync("v1/phone-numbers/" + number, new { throughput_mps = 1000 }, ct)).EnsureSuccessStatusCode();
        }

        // The sends are queued on the lane through an Orleans client of the silo's gateway, as a backend service would.
        var backend = Host.CreateApplicationBuilder();
        backend.Logging.SetMinimumLevel(LogLevel.Warning);
        backend.Services.AddWaDispatch(o => o.AddGateway(IPAddress.Loopback, silo.GatewayPort));
        using var client = backend.Build();
        await client.StartAsync(ct);
        var grains = client.Services.GetRequiredService<IClusterClient>();

        // Warm-up on another number: JIT tiering and connection pools settle before the measured run.
        await SendBacklogAsync(grains, simulator, WarmUpNumber, 5000, ct);

        // A backlog of eleven seconds' worth, queued at once: a ramp-up second, then the 10-second stretch of steady state the bound is stated for.
        await SendBacklogAsync(grains, simulator, Number, 11_000, ct);
        await client.StopAsync(ct);
        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(30)));

        var stats = await simulator.StatsAsync(Number);
        var arrivals = await simulator.ArrivalsAsync(Number);
        var perSecond = string.Join(", ", arrivals.GroupBy(a => (int)(a - arrivals[0]).TotalSeconds).Select(g => g.Count()));
        Assert.True(stats.GetProperty("rejected_total").GetInt64() == 0, $"{stats.GetProperty("rejected_total")} rejected; {Bunching(arrivals)}");
        Assert.Equal(11_000, stats.GetProperty("accepted_total").GetInt64());
        Assert.True(stats.GetProperty("max_in_sliding_second").GetInt32() <= 1000, $"{stats.GetProperty("max_in_sliding_second")} in one sliding second; per second: {perSecond}");

        // Steady state: the whole seconds after the first second's ramp-up, while the backlog lasted.
        var from = arrivals[0] + TimeSpan.FromSeconds(1);
        var seconds = Math.Floor((arrivals[^1] - from).TotalSeconds);
        var steady = arrivals.Count(a => a >= from && a < from + TimeSpan.FromSeconds(seconds)) / seconds;
        TestContext.Current.TestOutputHelper?.WriteLine($"steady {steady:F1}/s; fullest sliding second {stats.GetProperty("max_in_sliding_second")}; per second: {perSecond}");
        Assert.True(steady >= 970, $"{steady:F1} messages per second in steady state; per second from the first arrival: {perSecond}");
    }

    /// <summary>Where the fullest sliding second of the arrivals starts, and how arrivals spread around that instant.</summary>
    private static string Bunching(List<DateTimeOffset> arrivals)
    {
        var (fullest, end) = (0, 0);
        for (int i = 0, j = 0; i < arrivals.Count; i++)
        {
            while (arrivals[i] - arrivals[j] >= TimeSpan.FromSeconds(1))
            {
                j++;
            }

            (fullest, end) = i - j + 1 > fullest ? (i - j + 1, i) : (fullest, end);
        }

        var start = arrivals[end] - TimeSpan.FromSeconds(1);
        var buckets = Enumerable.Range(-5, 10).Select(k => arrivals.Count(a => a >= start + TimeSpan.FromMilliseconds(10 * k) && a < start + TimeSpan.FromMilliseconds(10 * (k + 1))));
        return $"fullest accepted second {fullest}, starting {(start - arrivals[0]).TotalMilliseconds:F0} ms in; arrivals per 10 ms around its start: {string.Join(", ", buckets)}";
    }

    /// <summary>Queues <paramref name="count"/> sends on the lane in one call and waits until the referee has accepted them all.</summary>
    private static async Task SendBacklogAsync(IGrainFactory grains, SimulatorProcess simulator, string number, int count, CancellationToken ct)
    {
        var sends = new List<LaneSend>(count);
        for (var i = 0; i < count; i++)
        {
            sends.Add(new LaneSend
            {
                MessageId = $"{number}-{i}",
                Request = new SendMessageRequest
                {
                    To = $"+1650{i:D7}",
                    Type = "template",
                    Template = new TemplateContent { Name = "order_confirmation", Language = new TemplateLanguage { Code = "en_US" } },
                },
                Priority = SendPriority.Bulk,
                ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5),
                Recorded = false,
            });
        }

        await grains.GetGrain<IPhoneNumberGrain>(number).EnqueueAsync(sends);

        // Polled gently: the referee's CPU is the measurement's.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await simulator.StatsAsync(number)).GetProperty("accepted_total").GetInt64() < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The referee did not accept all {count} sends of {number} within 60 s.");
            await Task.Delay(250, ct);
        }
    }
}
