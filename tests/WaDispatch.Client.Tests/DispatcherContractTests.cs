using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Client.Tests;

/// <summary>
/// What every <see cref="IWaDispatcher"/> does, remote or embedded: each subclass runs these same
/// scenarios against its own dispatcher, with the simulator as Meta and its signed webhooks flowing back.
/// </summary>
public abstract class DispatcherContractTests : IAsyncLifetime
{
    protected const string Number = "106540352242922";
    protected const string Secret = "client-contract-secret";

    private KestrelApp _simulator = null!;

    protected TempSqliteFile File { get; } = new();

    protected IWaDispatcher Dispatcher { get; private set; } = null!;

    protected Uri SimulatorAddress => _simulator.Address;

    protected CloudApiSimulator Meta => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = Secret;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        var (dispatcher, webhooks) = await StartAsync(_simulator.Address);
        Dispatcher = dispatcher;
        _simulator.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = webhooks;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _simulator.DisposeAsync();
        File.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the dispatcher under test against <paramref name="upstream"/> (the permit wait shortened to 300 ms); returns it and where Meta's webhooks go.</summary>
    protected abstract Task<(IWaDispatcher Dispatcher, Uri Webhooks)> StartAsync(Uri upstream);

    /// <summary>Sets a number's tier (an operator's act, outside <see cref="IWaDispatcher"/>).</summary>
    protected abstract Task SetThroughputAsync(string phoneNumberId, int messagesPerSecond);

    /// <summary>Sets a business's messaging-limit tier, e.g. <c>TIER_50</c> (an operator's act).</summary>
    protected abstract Task SetMessagingLimitAsync(string businessId, string tier);

    protected abstract ValueTask StopAsync();

    [Fact]
    public async Task EachMessageType_IsSent_OnceTheUserHasWritten()
    {
        var template = await Dispatcher.SendAsync(Number, WaTemplate.Create("order_confirmation", "en_US")
            .Body(b => b.Text("A-1001").Currency("USD", 100_990, "$100.99").DateTime("June 1, 2026"))
            .QuickReply(0, "track-A-1001")
            .To("+16505550301"), cancellationToken: Ct);
        await UserWritesAsync("16505550301", "hello");
        var text = await UntilSentAsync(() => Dispatcher.SendAsync(Number, WaMessages.Text("+16505550301", "Your order ships today."), cancellationToken: Ct));
        var others = new List<SendResult>();
        foreach (var message in new[]
        {
            WaMessages.Image("+16505550301", new Uri("https://example.com/box.jpg"), "Your box"),
            WaMessages.Document("+16505550301", new Uri("https://example.com/invoice.pdf"), "invoice.pdf"),
            WaMessages.Location("+16505550301", 52.37, 4.89, "Depot", "Main street 1"),
            WaMessages.Reaction("+16505550301", "wamid.user-message", "\U0001F44D"),
        })
        {
            others.Add(await Dispatcher.SendAsync(Number, message, cancellationToken: Ct));
        }

        Assert.True(template.IsSent, template.Rejection?.Details);
        Assert.True(text.IsSent);
        Assert.All(others, r => Assert.True(r.IsSent, r.Rejection?.Details));
        Assert.Equal(6, Meta.Ledger(Number).Count(e => e.WaId == "16505550301"));
        Assert.Contains(Meta.Ledger(Number), e => e.Id == template.Wamid && e.TemplateName == "order_confirmation");
    }

    [Fact]
    public async Task ExpectedRejections_AreResults_WithTheirReasonAndRetryHint()
    {
        var outsideWindow = await Dispatcher.SendAsync(Number, WaMessages.Text("+16505550311", "hi"), cancellationToken: Ct);
        await UserPreferenceAsync("16505550312", "stop");

        // Sends before the stop's webhook has landed still go, as they would at Meta: try until it has.
        var optedOut = await UntilAsync(
            () => Dispatcher.SendAsync(Number, WaTemplate.Create("spring_sale", "en_US").Body(b => b.Text("Ada").Text("20%")).To("+16505550312"), cancellationToken: Ct),
            r => r.Rejection is not null);
        await SetThroughputAsync(Number, 1);
        var burst = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Dispatcher.SendAsync(Number, WaTemplate.Create("hello_world", "en_US").To($"+1650555032{i}"), cancellationToken: Ct)));

        Assert.Equal((RejectionReason.OutsideWindow, 131047), (outsideWindow.Rejection?.Reason, outsideWindow.Rejection?.Code));
        Assert.Equal((RejectionReason.OptedOut, 131050), (optedOut.Rejection?.Reason, optedOut.Rejection?.Code));
        var limited = Assert.Single(burst.Where(r => !r.IsSent).Select(r => r.Rejection).Take(1));
        Assert.Equal(RejectionReason.RateLimited, limited!.Reason);
        Assert.True(limited.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(Meta.Ledger(Number), e => e.WaId == "16505550311");
    }

    [Fact]
    public async Task ASpentMessagingLimit_IsAResult_SayingWhenCapacityReturns()
    {
        // An unconfigured number is its own business; TIER_50 lets 50 new recipients a day go.
        await SetMessagingLimitAsync(Number, "TIER_50");
        var results = new List<SendResult>();
        for (var i = 0; i < 51; i++)
        {
            results.Add(await Dispatcher.SendAsync(Number, WaTemplate.Create("hello_world", "en_US").To($"+1650557{i:D4}"), cancellationToken: Ct));
        }

        var business = await Dispatcher.GetBusinessAsync(Number, Ct);
        Assert.All(results.Take(50), r => Assert.True(r.IsSent, r.Rejection?.Details));
        Assert.Equal((RejectionReason.BudgetSpent, -10), (results[50].Rejection?.Reason, results[50].Rejection?.Code));
        Assert.InRange(results[50].Rejection!.RetryAfter!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.Equal("TIER_50", business.Tier);
        Assert.Equal(50, Meta.Ledger(Number).Count);
    }

    [Fact]
    public async Task ABatch_IsAcceptedMessageByMessage_AndEachGoodOneIsSent()
    {
        var results = await Dispatcher.EnqueueBatchAsync(
        [
            new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550331")),
            new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("not a number")),
            new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550333")),
        ], cancellationToken: Ct);

        Assert.Equal([true, false, true], results.Select(r => r.Message is not null));
        Assert.NotNull(results[1].Error);
        foreach (var accepted in results.Where(r => r.Message is not null))
        {
            var sent = await UntilAsync(() => Dispatcher.GetMessageAsync(accepted.Message!.Id, Ct), m => m?.Wamid is not null);
            Assert.Contains(Meta.Ledger(Number), e => e.Id == sent!.Wamid);
        }
    }

    [Fact]
    public async Task ASmallCampaign_PausesResumes_AndCompletesWithEveryRecipientOnce()
    {
        await SetThroughputAsync(Number, 5);
        var campaign = await Dispatcher.CreateCampaignAsync(
            new NewCampaign(Number, WaTemplate.Create("welcome", "en_US").Body(b => b.Text("{{name}}")).Build()) { Category = "UTILITY" },
            Audience(20),
            cancellationToken: Ct);
        await UntilAsync(() => Task.FromResult(Meta.Ledger(Number).Count), n => n >= 3);
        var paused = await Dispatcher.PauseCampaignAsync(campaign.Id, Ct);
        await SetThroughputAsync(Number, 1000);
        var resumed = await Dispatcher.ResumeCampaignAsync(campaign.Id, Ct);
        var done = await UntilAsync(() => Dispatcher.GetCampaignAsync(campaign.Id, Ct), c => c?.Status == "completed", TimeSpan.FromSeconds(60));

        Assert.Equal((20, "paused", "running"), (campaign.Recipients, paused.Status, resumed.Status));
        Assert.Equal(20, done!.Sent);
        Assert.Equal(20, Meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());
        Assert.Equal(20, Meta.Ledger(Number).Count);
    }

    [Fact]
    public async Task ACampaignFromACsvFile_SkipsWhatItCannotUse_AndCompletes()
    {
        using var file = new MemoryStream("to,name\n+16505550351,Ada\n+16505550352,\"Bob, Jr.\"\n+16505550351,Again\nnot a number,X\n"u8.ToArray());

        var campaign = await Dispatcher.CreateCampaignAsync(new NewCampaign(Number, WaTemplate.Create("welcome", "en_US").Body(b => b.Text("{{name}}")).Build()) { Category = "UTILITY" }, file, AudienceFormat.Csv, cancellationToken: Ct);
        var done = await UntilAsync(() => Dispatcher.GetCampaignAsync(campaign.Id, Ct), c => c?.Status == "completed");

        Assert.Equal(2, done!.Sent);
        Assert.Equal(new Dictionary<string, long> { ["duplicate"] = 1, ["invalid"] = 1 }, done.Skipped);
        Assert.Equal(2, Meta.Ledger(Number).Count(e => e.WaId is "16505550351" or "16505550352"));
    }

    [Fact]
    public async Task StatusEvents_ArriveForWhatIsSent()
    {
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var events = new List<StatusEvent>();
        var subscribed = new TaskCompletionSource();
        var listener = Task.Run(async () =>
        {
            var stream = Dispatcher.SubscribeAsync(listening.Token).GetAsyncEnumerator(listening.Token);
            var first = stream.MoveNextAsync();
            subscribed.SetResult();
            try
            {
                while (await first)
                {
                    lock (events)
                    {
                        events.Add(stream.Current);
                    }

                    first = stream.MoveNextAsync();
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await stream.DisposeAsync();
            }
        }, Ct);
        await subscribed.Task;

        // A barrier, not a pause: once an event of a probe message arrives, the subscription is live.
        var probe = await Dispatcher.EnqueueAsync(new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550340")), cancellationToken: Ct);
        await UntilAsync(() => Task.FromResult(Statuses(events, probe.Id)), s => s.Count > 0);

        var message = await Dispatcher.EnqueueAsync(new OutgoingMessage(Number, WaTemplate.Create("hello_world", "en_US").To("+16505550341")), cancellationToken: Ct);
        await UntilAsync(() => Task.FromResult(Statuses(events, message.Id)), s => s.Contains("sent") && s.Contains("delivered"));
        await listening.CancelAsync();
        await listener;

        Assert.Contains("sent", Statuses(events, message.Id));
    }

    protected async Task UserWritesAsync(string waId, string text)
    {
        using var http = new HttpClient();
        (await http.PostAsJsonAsync(new Uri(SimulatorAddress, "_sim/inbound"), new { phone_number_id = Number, from = waId, text }, Ct)).EnsureSuccessStatusCode();
    }

    protected async Task UserPreferenceAsync(string waId, string value)
    {
        using var http = new HttpClient();
        (await http.PostAsJsonAsync(new Uri(SimulatorAddress, "_sim/user-preferences"), new { phone_number_id = Number, wa_id = waId, value }, Ct)).EnsureSuccessStatusCode();
    }

    protected static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await attempt();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {(value is System.Collections.IEnumerable list and not string ? string.Join(", ", list.Cast<object>()) : value)}");
            await Task.Delay(50, Ct);
        }
    }

    private static Task<SendResult> UntilSentAsync(Func<Task<SendResult>> send) =>
        UntilAsync(send, r => r.IsSent || r.Rejection?.Reason != RejectionReason.OutsideWindow);

    private static List<string> Statuses(List<StatusEvent> events, string messageId)
    {
        lock (events)
        {
            return [.. events.Where(e => e.MessageId == messageId).Select(e => e.Status)];
        }
    }

    private static async IAsyncEnumerable<Recipient> Audience(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new Recipient($"+1650556{i:D4}", new Dictionary<string, string> { ["name"] = $"N{i}" });
        }
    }
}
