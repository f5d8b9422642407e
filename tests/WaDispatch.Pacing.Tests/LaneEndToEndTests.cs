using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Lanes;
using WaDispatch.Runtime;
using WaDispatch.Silo.Tests;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Pacing.Tests;

/// <summary>
/// A real silo on Kestrel pacing one number at 1,000 mps against the simulator in a process of its own,
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
        await using var silo = await TestSilo.StartAsync(file.ConnectionString, simulator.Address);
        using var admin = new HttpClient { BaseAddress = KestrelApp.AddressOf(silo) };
        foreach (var number in (string[])[Number, WarmUpNumber])
        {
            await simulator.SetMessagesPerSecondAsync(number, 1000);
            (await admin.PutAsJsonAsync("v1/phone-numbers/" + number, new { throughput_mps = 1000 }, ct)).EnsureSuccessStatusCode();
        }

        // Warm-up on another number: JIT tiering and connection pools settle before the measured run.
        await SendBacklogAsync(silo.Services.GetRequiredService<IGrainFactory>(), WarmUpNumber, 5000, ct);

        // The warm-up's garbage is not the measured run's pause.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // A backlog of eleven seconds' worth, queued at once: a ramp-up second, then the 10-second stretch of steady state the bound is stated for.
        await SendBacklogAsync(silo.Services.GetRequiredService<IGrainFactory>(), Number, 11_000, ct);
        await silo.StopAsync(ct);

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

    private static async Task SendBacklogAsync(IGrainFactory grains, string number, int count, CancellationToken ct)
    {
        var lane = grains.GetGrain<IPhoneNumberGrain>(number);
        var sends = new List<OutboundSend>(count);
        for (var i = 0; i < count; i++)
        {
            var send = new OutboundSend(
                $"{number}-{i}",
                new SendMessageRequest
                {
                    To = $"+1650{i:D7}",
                    Type = "template",
                    Template = new TemplateContent { Name = "order_confirmation", Language = new TemplateLanguage { Code = "en_US" } },
                },
                SendPriority.Bulk,
                DateTimeOffset.UtcNow.AddMinutes(5));
            sends.Add(send);
        }

        await lane.EnqueueAsync(sends);

        var outcomes = await Task.WhenAll(sends.Select(s => s.Completion)).WaitAsync(TimeSpan.FromSeconds(60), ct);
        Assert.All(outcomes, o => Assert.Equal(SendStatus.Sent, o.Status));
    }
}
