using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// Meta's account webhooks end to end: kept in the ledger of account events once however often delivered, shown under
/// <c>GET /v1/wabas/{waba_id}</c>, and a ban or messaging restriction stops the lanes of the WABA's numbers until it ends.
/// </summary>
public sealed class WabaAccountEventsTests : IAsyncLifetime
{
    private const string Waba = "100000000000021";
    private const string Number = WabaSubscriptionTests.Number;
    private const string Secret = WabaSubscriptionTests.Secret;
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CloudApiSimulator Meta => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = Secret;
            o.BusinessAccountId = Waba;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
            o.ReadDelay = TimeSpan.FromMilliseconds(30);
        });
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, ["--Webhooks:AppSecret", Secret]);
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
        using var configured = await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { waba_id = Waba }, Ct);
        configured.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task ABan_StopsTheLanesOfTheWabasNumbers_WhatTheyHoldWaits_AndReinstatementSendsIt()
    {
        var bannedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ban = Account(bannedAt, "account_update", new { phone_number = "15550001234", @event = "DISABLED_UPDATE", ban_info = new { waba_ban_state = new[] { "DISABLE" }, waba_ban_date = "2026-12-04" } });

        await PostSignedAsync(ban);
        await PostSignedAsync(ban);
        var lane = await LaneAsync();
        var id = await SendAsync("16505550501");
        await Eventually.UntilAsync(async () => Queued(await LaneAsync()) == 1);
        var waba = await WabaAsync();
        var sentWhileBanned = Meta.Ledger(Number).Count;

        await PostSignedAsync(Account(bannedAt + 60, "account_update", new { @event = "DISABLED_UPDATE", ban_info = new { waba_ban_state = new[] { "REINSTATE" }, waba_ban_date = "2026-12-04" } }));
        var read = await UntilMessageStatusAsync(id, "read");

        Assert.Equal(("stopped", 131031), (lane.GetProperty("status").GetString(), lane.GetProperty("stop_reason").GetProperty("code").GetInt32()));
        Assert.Contains(Waba, lane.GetProperty("stop_reason").GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, sentWhileBanned);
        Assert.Equal(("DISABLE", "2026-12-04", 131031), (waba.GetProperty("account").GetProperty("ban_state").GetString(), waba.GetProperty("account").GetProperty("ban_date").GetString(), waba.GetProperty("account").GetProperty("lanes_stopped_for").GetProperty("code").GetInt32()));
        Assert.Single(waba.GetProperty("recent_events").EnumerateArray()); // delivered twice, kept once
        Assert.Equal("read", read.GetProperty("status").GetString());
        Assert.Equal("running", (await LaneAsync()).GetProperty("status").GetString());
        var after = await WabaAsync();
        Assert.Equal("REINSTATE", after.GetProperty("account").GetProperty("ban_state").GetString());
        Assert.False(after.GetProperty("account").TryGetProperty("lanes_stopped_for", out _));
        Assert.Equal(2, after.GetProperty("recent_events").GetArrayLength());
    }

    [Fact]
    public async Task AMessagingRestriction_StopsTheLanes_UntilItExpires_EvenWhenTheSiloRestartsMeanwhile()
    {
        var now = DateTimeOffset.UtcNow;
        var expiration = now.AddSeconds(8).ToUnixTimeSeconds();
        await PostSignedAsync(Account(now.ToUnixTimeSeconds(), "account_update", new
        {
            @event = "ACCOUNT_RESTRICTION",
            restriction_info = new[] { new { restriction_type = "RESTRICTED_BIZ_INITIATED_MESSAGING", expiration } },
        }));
        var lane = await LaneAsync();
        var waba = await WabaAsync();

        // The reminder that lifts it lives in memory on a single node: the restart loses it, and the WABA's grain
        // settles the restriction again when it wakes.
        await RestartAsync();
        await Eventually.UntilAsync(async () => (await LaneAsync()).GetProperty("status").GetString() == "running", TimeSpan.FromSeconds(60));

        Assert.Equal(("stopped", 368), (lane.GetProperty("status").GetString(), lane.GetProperty("stop_reason").GetProperty("code").GetInt32()));
        Assert.Contains("RESTRICTED_BIZ_INITIATED_MESSAGING", lane.GetProperty("stop_reason").GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal("RESTRICTED_BIZ_INITIATED_MESSAGING", waba.GetProperty("account").GetProperty("restrictions")[0].GetProperty("type").GetString());
        Assert.True(DateTimeOffset.UtcNow.ToUnixTimeSeconds() >= expiration);
        Assert.False((await WabaAsync()).GetProperty("account").TryGetProperty("lanes_stopped_for", out _));
    }

    [Fact]
    public async Task ALaneStoppedByItsOwnSends_StaysStopped_WhenItsAccountRecovers_UntilAnOperatorResumesIt()
    {
        var id = await StopLaneByMetaAsync(new ScriptedFailure(ErrorCodes.AccessTokenExpired, 401, null), "16505550502");
        var bannedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await PostSignedAsync(Account(bannedAt, "account_update", new { @event = "DISABLED_UPDATE", ban_info = new { waba_ban_state = new[] { "DISABLE" }, waba_ban_date = "2026-12-04" } }));
        await PostSignedAsync(Account(bannedAt + 60, "account_update", new { @event = "DISABLED_UPDATE", ban_info = new { waba_ban_state = new[] { "REINSTATE" }, waba_ban_date = "2026-12-04" } }));

        var afterReinstatement = await LaneAsync();
        var stillQueued = (await _client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct)).GetProperty("status").GetString();
        using (var resumed = await _client.PostAsync(new Uri($"v1/phone-numbers/{Number}/resume", UriKind.Relative), null, Ct))
        {
            resumed.EnsureSuccessStatusCode();
        }

        var read = await UntilMessageStatusAsync(id, "read");

        Assert.Equal(("stopped", 190), (afterReinstatement.GetProperty("status").GetString(), afterReinstatement.GetProperty("stop_reason").GetProperty("code").GetInt32()));
        Assert.NotEqual("read", stillQueued);
        Assert.Equal("read", read.GetProperty("status").GetString());
        Assert.Single(Meta.Ledger(Number));
    }

    [Fact]
    public async Task ALaneThatMetaRefusedForTheAccountsRestriction_ResumesWhenTheRestrictionIsLifted()
    {
        // Meta refuses a busy lane's send with the restriction's own code before its webhook arrives.
        var id = await StopLaneByMetaAsync(new ScriptedFailure(ErrorCodes.TemporarilyBlocked, 400, null), "16505550503");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await PostSignedAsync(Account(now, "account_update", new { @event = "ACCOUNT_RESTRICTION", restriction_info = new[] { new { restriction_type = "RESTRICTED_BIZ_INITIATED_MESSAGING" } } }));
        var restricted = await LaneAsync();

        await PostSignedAsync(Account(now + 60, "account_update", new { @event = "ACCOUNT_RESTRICTION", restriction_info = Array.Empty<object>() }));
        var read = await UntilMessageStatusAsync(id, "read");

        Assert.Equal(("stopped", 368), (restricted.GetProperty("status").GetString(), restricted.GetProperty("stop_reason").GetProperty("code").GetInt32()));
        Assert.Equal("running", (await LaneAsync()).GetProperty("status").GetString());
        Assert.Equal("read", read.GetProperty("status").GetString());
        Assert.Single(Meta.Ledger(Number));
    }

    [Fact]
    public async Task ARestrictionOnAddingNumbers_LeavesTheLanesRunning_AndAnEmptyListLiftsAMessagingOne()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await PostSignedAsync(Account(now, "account_update", new { @event = "ACCOUNT_RESTRICTION", restriction_info = new[] { new { restriction_type = "RESTRICTED_ADD_PHONE_NUMBER_ACTION" } } }));
        var notMessaging = await LaneAsync();
        await PostSignedAsync(Account(now + 1, "account_update", new { @event = "ACCOUNT_RESTRICTION", restriction_info = new[] { new { restriction_type = "RESTRICTED_CUSTOMER_INITIATED_MESSAGING" } } }));
        var messaging = await LaneAsync();

        await PostSignedAsync(Account(now + 60, "account_update", new { @event = "ACCOUNT_RESTRICTION", restriction_info = Array.Empty<object>() }));

        Assert.Equal("running", notMessaging.GetProperty("status").GetString());
        Assert.Equal(("stopped", 368), (messaging.GetProperty("status").GetString(), messaging.GetProperty("stop_reason").GetProperty("code").GetInt32()));
        Assert.Equal("running", (await LaneAsync()).GetProperty("status").GetString());
        Assert.Empty((await WabaAsync()).GetProperty("account").GetProperty("restrictions").EnumerateArray());
    }

    [Fact]
    public async Task ReviewAndDisplayNameDecisions_AreShown_AndALateOlderDecisionChangesNothing()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await PostSignedAsync(Account(now, "account_review_update", new { decision = "APPROVED" }));
        await PostSignedAsync(Account(now, "phone_number_name_update", new { display_phone_number = "15550001234", decision = "REJECTED", requested_verified_name = "Acme Sales", rejection_reason = "NAME_FORMAT_UNACCEPTABLE" }));
        await PostSignedAsync(Account(now - 3600, "account_review_update", new { decision = "REJECTED" }));
        await PostSignedAsync(Account(now, "business_capability_update", new { max_daily_conversations_per_business = "TIER_10K" }));

        var account = (await WabaAsync()).GetProperty("account");
        var name = account.GetProperty("last_name_decision");

        Assert.Equal("APPROVED", account.GetProperty("review_decision").GetString());
        Assert.Equal(("REJECTED", "Acme Sales", "NAME_FORMAT_UNACCEPTABLE"), (name.GetProperty("decision").GetString(), name.GetProperty("requested_verified_name").GetString(), name.GetProperty("rejection_reason").GetString()));
        Assert.Equal("TIER_10K", account.GetProperty("messaging_limit").GetString());
        Assert.Equal(4, (await WabaAsync()).GetProperty("recent_events").GetArrayLength());
    }

    [Fact]
    public async Task AnAccountChangeShapedUnexpectedly_IsKept_AndChangesNothing()
    {
        await PostSignedAsync(Account(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "account_update", new { @event = "DISABLED_UPDATE", ban_info = "not an object" }));

        var waba = await WabaAsync();

        Assert.Equal("running", (await LaneAsync()).GetProperty("status").GetString());
        Assert.False(waba.GetProperty("account").TryGetProperty("ban_state", out _));
        Assert.Single(waba.GetProperty("recent_events").EnumerateArray());
    }

    private async Task RestartAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, ["--Webhooks:AppSecret", Secret]);
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    private static string Account(long time, string field, object value) => JsonSerializer.Serialize(new
    {
        @object = "whatsapp_business_account",
        entry = new[] { new { id = Waba, time, changes = new[] { new { field, value } } } },
    });

    private async Task PostSignedAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        using var response = await _client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        await _silo.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
    }

    private async Task<JsonElement> LaneAsync() => await _client.GetFromJsonAsync<JsonElement>($"v1/phone-numbers/{Number}", Ct);

    private async Task<JsonElement> WabaAsync() => await _client.GetFromJsonAsync<JsonElement>($"v1/wabas/{Waba}", Ct);

    private static int Queued(JsonElement lane) => lane.GetProperty("queued").EnumerateObject().Sum(p => p.Value.GetInt32());

    /// <summary>Scripts Meta to refuse the next send with <paramref name="failure"/>, sends to <paramref name="to"/> and waits until the lane is stopped; returns the message's id.</summary>
    private async Task<string> StopLaneByMetaAsync(ScriptedFailure failure, string to)
    {
        Meta.ScriptFailure(Number, failure, 1);
        var id = await SendAsync(to);
        await Eventually.UntilAsync(async () => (await LaneAsync()).GetProperty("status").GetString() == "stopped");
        return id;
    }

    private async Task<string> SendAsync(string to)
    {
        using var response = await _client.PostAsJsonAsync("v1/messages", new
        {
            phone_number_id = Number,
            message = new { messaging_product = "whatsapp", to, type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> UntilMessageStatusAsync(string id, string status)
    {
        JsonElement message = default;
        await Eventually.UntilAsync(async () =>
        {
            message = await _client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct);
            return message.GetProperty("status").GetString() == status;
        }, TimeSpan.FromSeconds(30), () => $"message {id} is {message}");
        return message;
    }
}
