using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Grains.Lanes;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>
/// An <see cref="OutboundLane"/> driven step by step on a manual clock, sending through the real
/// Graph API client to the simulator on Kestrel, which referees on the same clock: every send arrives
/// at the instant its permit was granted, so the simulator's sliding-second count is exact.
/// </summary>
public sealed class LaneRig : IAsyncDisposable
{
    private readonly KestrelApp _simulator;
    private readonly ServiceProvider _client;

    private LaneRig(FakeTimeProvider time, KestrelApp simulator, ServiceProvider client)
    {
        Time = time;
        _simulator = simulator;
        _client = client;
        Upstream = client.GetRequiredService<ICloudApi>();
    }

    public FakeTimeProvider Time { get; }

    public ICloudApi Upstream { get; }

    public CloudApiSimulator Referee => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    /// <summary>Every send the lane handed out, with the instant it went.</summary>
    internal List<(DateTimeOffset At, OutboundSend Send)> Sent { get; } = [];

    public static async Task<LaneRig> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var simulator = await SimulatorServer.StartAsync(time: time);
        var client = new ServiceCollection().AddLogging().AddCloudApiClient(o =>
        {
            o.BaseAddress = simulator.Address;
            o.AccessToken = "simulator-token";
        }).BuildServiceProvider();
        return new LaneRig(time, simulator, client);
    }

    internal OutboundLane Lane(string number, int tier, LaneOptions? options = null)
    {
        Referee.SetMessagesPerSecond(number, tier);
        return new OutboundLane(tier, options ?? new LaneOptions(), Time, new Random(tier));
    }

    /// <summary>A template send, by default to a recipient nobody else gets, so that pair rates never interfere.</summary>
    internal OutboundSend Send(SendPriority priority = SendPriority.Bulk, string? flow = null, TimeSpan? expiresIn = null, string? id = null, string? to = null) =>
        TestSends.Outbound(Time.GetUtcNow() + (expiresIn ?? TimeSpan.FromHours(24)), priority, flow, id, to);

    /// <summary>
    /// Runs the lane for <paramref name="duration"/>: takes what it grants, sends each at once, hands the
    /// answer back, then advances the clock to when the lane said to come back — up to
    /// <paramref name="maxLateness"/> late, like a real timer.
    /// </summary>
    internal async Task DriveAsync(OutboundLane lane, string number, TimeSpan duration, TimeSpan maxLateness = default, int seed = 1, Action? everyStep = null)
    {
        var random = new Random(seed);
        var end = Time.GetUtcNow() + duration;
        var taken = new List<OutboundSend>();
        while (Time.GetUtcNow() < end)
        {
            everyStep?.Invoke();
            taken.Clear();
            var next = lane.Take(64, taken);
            foreach (var send in taken)
            {
                Sent.Add((Time.GetUtcNow(), send));
                lane.Complete(send, await Upstream.SendAsync(number, send.Request, cancellationToken: TestContext.Current.CancellationToken));
            }

            var step = next.Wait switch
            {
                LaneWait.None => TimeSpan.Zero,
                LaneWait.Until => TimeSpan.FromTicks(Math.Max(0, next.WakeAt - Time.GetTimestamp())),
                _ => TimeSpan.FromMilliseconds(1),
            };
            if (next.Wait != LaneWait.None)
            {
                step += TimeSpan.FromTicks((long)(random.NextDouble() * maxLateness.Ticks));
                Time.Advance(step > TimeSpan.Zero ? step : TimeSpan.FromTicks(1));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _simulator.DisposeAsync();
    }
}
