using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Recipients;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// A real silo and the simulator, each on Kestrel: sends go through the dispatcher and their lane, Meta's answers
/// come back synchronously and as signed status webhooks, and recipients learn from both.
/// </summary>
public sealed class RecipientEndToEndTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CloudApiSimulator Meta => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    private MessageDispatcher Dispatcher => _silo.Services.GetRequiredService<MessageDispatcher>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = "e2e-secret";
            o.PairInterval = TimeSpan.FromSeconds(1);
            o.PairBurst = 3;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, "--Webhooks:AppSecret", "e2e-secret", "--Recipients:PairInterval", "00:00:01", "--Recipients:PairBurst", "5");
        TestSilo.SendWebhooksTo(_simulator, _silo);
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Theory]
    [InlineData("16505550050", ErrorCodes.UserStoppedMarketing, MessageCategory.Marketing, DispatchStatus.Skipped, RecipientDecision.OptedOut)]
    [InlineData("16505550049", ErrorCodes.MarketingCapReached, MessageCategory.Marketing, DispatchStatus.Deferred, null)]
    [InlineData("16505550026", ErrorCodes.MessageUndeliverable, MessageCategory.Utility, DispatchStatus.Skipped, RecipientDecision.Undeliverable)]
    public async Task AFailureReportedByWebhook_StopsTheNextCampaignSend_BeforeMetaSeesIt(string waId, int code, MessageCategory category, DispatchStatus next, string? reason)
    {
        Meta.SetRecipientRule(waId, new RecipientRule(code, TimeSpan.Zero));

        // Through the message ledger, as every send goes: a failure Meta reports applies to a message the ledger knows.
        await _silo.Services.GetRequiredService<MessageService>().AcceptCampaignMessagesAsync(
            [new CampaignMessage("0190000000007000800000000000cafe", int.Parse(waId[^4..], System.Globalization.CultureInfo.InvariantCulture), Number, Template(waId), category, SendPriority.Bulk, DateTimeOffset.UtcNow.AddHours(48))]);
        var recipient = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRecipientGrain>(RecipientKey.Of(Number, waId));
        await Eventually.UntilAsync(async () => Learned(await recipient.GetSnapshotAsync(), code));
        var second = await Dispatcher.SendAsync(Campaign("second", waId, category), Ct);

        Assert.Equal((next, reason), (second.Status, second.SkipReason));
        Assert.Single(Meta.Ledger(Number), e => e.WaId == waId);
    }

    [Fact]
    public async Task A131056FromMeta_SnoozesThePairInTheRecipientsState_AndTheSendsStillGo()
    {
        // The simulator allows a user 3 at once; WaDispatch is told 5, so Meta answers 131056 to some.
        var sends = Enumerable.Range(0, 5).Select(i => Dispatcher.SendAsync(Direct($"pair-{i}", "16505550056"), Ct)).ToList();
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(results, r => Assert.Equal(DispatchStatus.Sent, r.Status));
        Assert.True(Meta.Stats(Number).RejectedByCode.GetValueOrDefault(ErrorCodes.PairRateLimitHit.ToString(System.Globalization.CultureInfo.InvariantCulture)) >= 1);
        var stored = await StoredStateAsync(RecipientKey.Of(Number, "16505550056"));
        Assert.Equal(JsonValueKind.String, stored.GetProperty("PairSnoozedUntil").ValueKind);
    }

    [Fact]
    public async Task AnInboundStop_BlocksTemplates_AndStartLetsThemThroughAgain()
    {
        var waId = "16505550099";
        Meta.Inbound(Number, waId, "STOP", null);
        var recipient = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRecipientGrain>(RecipientKey.Of(Number, waId));
        await Eventually.UntilAsync(async () => (await recipient.GetSnapshotAsync()).KeywordOptedOut);

        var blocked = await Dispatcher.SendAsync(Direct("blocked", waId), Ct);
        Meta.Inbound(Number, waId, "start", DateTimeOffset.UtcNow.AddSeconds(1));
        await Eventually.UntilAsync(async () => !(await recipient.GetSnapshotAsync()).KeywordOptedOut);
        var allowed = await Dispatcher.SendAsync(Direct("allowed", waId), Ct);

        Assert.Equal((DispatchStatus.Refused, ErrorCodes.KeywordOptOut), (blocked.Status, blocked.Error!.Code));
        Assert.Equal(DispatchStatus.Sent, allowed.Status);
        Assert.Single(Meta.Ledger(Number), e => e.WaId == waId);
    }

    [Fact]
    public async Task ACategoryThatDoesNotFitTheMessage_IsRefusedBeforeAnythingElse()
    {
        var text = new SendMessageRequest { To = "+16505550100", Type = "text", Text = new TextContent { Body = "hi" } };

        var result = await Dispatcher.SendAsync(new DispatchRequest("mismatch", Number, text, MessageCategory.Marketing, SendOrigin.Direct, DateTimeOffset.UtcNow.AddHours(1)), Ct);

        Assert.Equal((DispatchStatus.Refused, ErrorCodes.InvalidParameter), (result.Status, result.Error!.Code));
        Assert.Equal("category MARKETING does not fit a 'text' message: templates are MARKETING, UTILITY or AUTHENTICATION; other messages are SERVICE.", result.Error.Details);
        Assert.Empty(Meta.Ledger(Number));
    }

    private static bool Learned(RecipientSnapshot snapshot, int code) => code switch
    {
        ErrorCodes.UserStoppedMarketing => snapshot.MarketingOptedOut,
        ErrorCodes.MarketingCapReached => snapshot.MarketingCapUntil is not null,
        _ => snapshot.UndeliverableUntil is not null,
    };

    private static DispatchRequest Campaign(string id, string waId, MessageCategory category) =>
        new(id, Number, Template(waId), category, SendOrigin.Campaign, DateTimeOffset.UtcNow.AddHours(48));

    private static DispatchRequest Direct(string id, string waId) =>
        new(id, Number, Template(waId), MessageCategory.Utility, SendOrigin.Direct, DateTimeOffset.UtcNow.AddHours(1));

    private static SendMessageRequest Template(string waId) => new()
    {
        To = "+" + waId,
        Type = "template",
        Template = new TemplateContent { Name = "order_confirmation", Language = new TemplateLanguage { Code = "en_US" } },
    };

    private async Task<JsonElement> StoredStateAsync(string key)
    {
        await using var connection = new SqliteConnection(_file.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM grain_states WHERE state_name = 'recipient' AND grain_key = $key";
        command.Parameters.AddWithValue("$key", key);
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync(Ct))!).RootElement;
    }
}
