using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Silo.Tests;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Client.Tests;

/// <summary>The remote client's own retries: after answers lost on the way back, nothing is sent twice.</summary>
public sealed class RemoteRetryTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CloudApiSimulator Meta => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync();
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address);
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task AnswersLostAfterTheSiloActed_AreRetriedWithTheSameKey_AndEachMessageIsSentOnce()
    {
        var losing = new LoseAnswers(count: 2);
        var services = new ServiceCollection();
        services.AddWaDispatchClient(o =>
        {
            o.BaseAddress = KestrelApp.AddressOf(_silo);
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        }).AddHttpMessageHandler(() => losing);
        await using var provider = services.BuildServiceProvider();
        var dispatcher = provider.GetRequiredService<IWaDispatcher>();

        var sent = await dispatcher.SendAsync(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550401"), cancellationToken: Ct);
        losing.Reset(2);
        var queued = await dispatcher.EnqueueAsync(new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550402")), cancellationToken: Ct);
        await Eventually.UntilAsync(() => Meta.Ledger(Number).Any(e => e.WaId == "16505550402"));

        Assert.True(sent.IsSent);
        Assert.Equal(3 + 3, losing.Calls);
        Assert.Single(Meta.Ledger(Number), e => e.WaId == "16505550401");
        Assert.Equal(sent.Wamid, Meta.Ledger(Number).Single(e => e.WaId == "16505550401").Id);
        // The silo records Meta's answer a moment after the referee logged the arrival.
        MessageInfo? recorded = null;
        await Eventually.UntilAsync(async () => (recorded = await dispatcher.GetMessageAsync(queued.Id, Ct))?.Wamid is not null, TimeSpan.FromSeconds(10));
        Assert.Equal(recorded!.Wamid, Meta.Ledger(Number).Single(e => e.WaId == "16505550402").Id);

        // Once the lane holds nothing, a second send of the message would have reached the referee.
        await Eventually.UntilAsync(async () => LaneIsIdle((await dispatcher.GetLaneAsync(Number, Ct)).Raw));
        Assert.Single(Meta.Ledger(Number), e => e.WaId == "16505550402");
    }

    [Fact]
    public async Task WhenEveryAttemptFails_TheExceptionSaysRetryingCanHelp()
    {
        var services = new ServiceCollection();
        services.AddWaDispatchClient(o =>
        {
            o.BaseAddress = new Uri("http://127.0.0.1:9/");
            o.MaxRetries = 1;
            o.RetryDelay = TimeSpan.Zero;
        });
        await using var provider = services.BuildServiceProvider();

        var failure = await Assert.ThrowsAsync<WaDispatchException>(() => provider.GetRequiredService<IWaDispatcher>().GetMessageAsync("x", Ct));

        Assert.True(failure.IsTransient);
        Assert.Null(failure.HttpStatus);
    }

    [Fact]
    public void OptionsWithoutAnAddress_AreRefused_NamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddWaDispatchClient(o => o.MaxRetries = 50);
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WaDispatchClientOptions>>().Value);

        Assert.Contains("WaDispatchClientOptions.BaseAddress must be an absolute http or https address", failure.Message, StringComparison.Ordinal);
        Assert.Contains("WaDispatchClientOptions.MaxRetries is 50", failure.Message, StringComparison.Ordinal);
    }

    private static bool LaneIsIdle(System.Text.Json.JsonElement lane) =>
        lane.GetProperty("in_flight").GetInt32() == 0 && lane.GetProperty("queued").EnumerateObject().All(q => q.Value.GetInt32() == 0);

    /// <summary>Lets each request reach the silo, then loses its answer, for the first few.</summary>
    private sealed class LoseAnswers(int count) : DelegatingHandler
    {
        private int _toLose = count;
        private int _calls;

        public int Calls => _calls;

        public void Reset(int count) => _toLose = count;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var response = await base.SendAsync(request, cancellationToken);
            if (Interlocked.Decrement(ref _toLose) >= 0)
            {
                response.Dispose();
                throw new HttpRequestException("The connection dropped before the answer arrived (test).");
            }

            return response;
        }
    }
}
