using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Grains.Messages;
using WaDispatch.Silo.Api;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Storage;
using WaDispatch.Storage.Messages;
using WaDispatch.Testing;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Webhooks;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// The sending routes on a real silo with the simulator as Meta, each on Kestrel: queued messages are
/// durable, sent once and followed by their status webhooks; the Cloud API-compatible route answers as
/// Meta does and turns a permit wait beyond its limit into 130429; restarts lose nothing and double nothing.
/// </summary>
public sealed class MessagesEndToEndTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
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
            o.AppSecret = "e2e-secret";
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        await StartSiloAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopSiloAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task AQueuedMessage_IsAcceptedDurably_SentOnce_AndFollowedToDelivered()
    {
        var response = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550101") }, Ct);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = accepted.GetProperty("id").GetString()!;

        var delivered = await UntilStatusAsync(id, "delivered", "read");
        var entry = Assert.Single(Meta.Ledger(Number), e => e.WaId == "16505550101");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.Equal(entry.Id, delivered.GetProperty("wamid").GetString());
        Assert.Equal(["accepted", "sending", "sent", "delivered"], History(delivered).Take(4));

        // A status of a message the ledger knows is applied before the webhook is answered: the next read shows it.
        var repeat = $$$"""{"object":"whatsapp_business_account","entry":[{"id":"waba","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"{{{Number}}}"},"statuses":[{"id":"{{{entry.Id}}}","status":"read","timestamp":"{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}","recipient_id":"16505550101"}]}}]}]}""";
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new StringContent(repeat, System.Text.Encoding.UTF8, "application/json") };
        webhook.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(System.Text.Encoding.UTF8.GetBytes(repeat), "e2e-secret"));
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(webhook, Ct)).StatusCode);

        Assert.Equal("read", (await _client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnIdempotencyKey_ReplaysTheFirstAnswer_SendsOnce_AndRefusesADifferentRequest()
    {
        var first = await PostAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550102") }, "order-7");
        var again = await PostAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550102") }, "order-7");
        var other = await PostAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550103") }, "order-7");
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        await UntilStatusAsync(id, "sent", "delivered", "read");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.BadRequest), (first.StatusCode, again.StatusCode, other.StatusCode));
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString());
        Assert.Contains("Idempotency-Key was already used", await other.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Single(Meta.Ledger(Number), e => e.WaId == "16505550102");
        Assert.DoesNotContain(Meta.Ledger(Number), e => e.WaId == "16505550103");
    }

    [Fact]
    public async Task ABatch_AcceptsEachItemOnItsOwn_AndNamesTheOneThatIsWrong()
    {
        var response = await _client.PostAsJsonAsync(
            "v1/messages/batch",
            new { messages = new object[] { new { phone_number_id = Number, message = Template("16505550111") }, new { phone_number_id = Number, message = Template("not-a-number") }, new { phone_number_id = Number, message = Template("16505550113") } } },
            Ct);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        foreach (var ok in new[] { results[0], results[2] })
        {
            await UntilStatusAsync(ok.GetProperty("message").GetProperty("id").GetString()!, "sent", "delivered", "read");
        }

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal((2, 1), (answer.GetProperty("accepted").GetInt32(), answer.GetProperty("refused").GetInt32()));
        Assert.Equal(100, results[1].GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith("messages[1].", results[1].GetProperty("error").GetProperty("error_data").GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, Meta.Ledger(Number).Count(e => e.WaId is "16505550111" or "16505550113"));
    }

    [Fact]
    public async Task BadRequests_GetCloudApiShapedErrors_NamingTheFieldAndTheLimit()
    {
        var tooMany = new { messages = Enumerable.Range(0, MessagesApi.MaxBatch + 1).Select(_ => new { phone_number_id = Number, message = Template("16505550120") }).ToArray() };
        var cases = new (HttpResponseMessage Response, HttpStatusCode Status, string Detail)[]
        {
            (await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number }, Ct), HttpStatusCode.BadRequest, "message is required"),
            (await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, expires_at = "2020-01-01T00:00:00Z", message = Template("16505550120") }, Ct), HttpStatusCode.BadRequest, "expires_at (2020-01-01T00:00:00Z) is not in the future"),
            (await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, expires_at = "tomorrow", message = Template("16505550120") }, Ct), HttpStatusCode.BadRequest, "expires_at must be an ISO 8601"),
            (await _client.PostAsJsonAsync("v1/messages/batch", tooMany, Ct), HttpStatusCode.BadRequest, "the limit is 1000 per request"),
            (await _client.PostAsync(new Uri($"v21.0/{Number}/messages", UriKind.Relative), new StringContent("""{"messaging_product":"whatsapp","to":"16505550120","type":"text","text":{"body":""" + "\"" + new string('x', 4097) + "\"}}", Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest, "4096"),
            (await _client.PostAsync(new Uri($"v21.0/{Number}/messages", UriKind.Relative), new StringContent("""{"to": """, Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest, "not valid JSON"),
            (await PostAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550120") }, new string('k', 256)), HttpStatusCode.BadRequest, "Idempotency-Key must be one value of 1 to 255"),
            (await _client.GetAsync(new Uri("v1/messages/0000", UriKind.Relative), Ct), HttpStatusCode.NotFound, "No message has id 0000"),
        };

        foreach (var (response, status, detail) in cases)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(detail, body.GetProperty("error").GetProperty("error_data").GetProperty("details").GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Meta.Ledger(Number), e => e.WaId == "16505550120");
    }

    [Fact]
    public async Task OnTheCloudApiRoute_APairRateHold_Answers131056WithThePairsRetryTime_WhileOtherUsersGoAtOnce()
    {
        await StopSiloAsync();
        await StartSiloAsync("--Recipients:PairInterval", "00:00:30", "--Recipients:PairBurst", "1");

        var first = await PostAsync($"v21.0/{Number}/messages", Template("16505550161"), "pair-1");
        var again = await PostAsync($"v21.0/{Number}/messages", Template("16505550161"), "pair-2");
        var other = await PostAsync($"v21.0/{Number}/messages", Template("16505550162"), "pair-3");
        var error = (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK), (first.StatusCode, again.StatusCode, other.StatusCode));

        // The user's pair rate held it, not the number's tier: Meta's code for that, and the pair's own wait (about 30 s).
        Assert.Equal(131056, error.GetProperty("code").GetInt32());
        Assert.Contains("pair rate", error.GetProperty("error_data").GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.InRange(again.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        Assert.Single(Meta.Ledger(Number), e => e.WaId == "16505550161");
    }

    [Fact]
    public async Task TheCloudApiRoute_ReturnsMetasAnswer_AndBeyondThePermitWait_Answers130429WithRetryAfter()
    {
        await StopSiloAsync();
        await StartSiloAsync("--Messages:MaxPermitWait", "00:00:00.300");
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 1 }, Ct)).EnsureSuccessStatusCode();

        // A 1-mps lane grants one permit now; four more would each need up to another second.
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => PostAsync($"v21.0/{Number}/messages", Template($"1650555013{i}"), $"permit-{i}")));
        var sent = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var throttled = Enumerable.Range(0, 5).Where(i => responses[i].StatusCode == HttpStatusCode.TooManyRequests).ToList();

        Assert.Equal(5, sent.Count + throttled.Count);
        Assert.InRange(sent.Count, 1, 2);
        foreach (var response in sent)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var wamid = body.GetProperty("messages")[0].GetProperty("id").GetString();
            Assert.Contains(Meta.Ledger(Number), e => e.Id == wamid);

            // Meta's share of the answer's time, for callers measuring WaDispatch's own, and where the rest went:
            // the steps are parts of the route's total, none counted twice.
            var timing = Assert.Single(response.Headers.GetValues("Server-Timing"));
            var durations = timing.Split(", ").Select(entry => entry.Split(";dur=")).ToDictionary(pair => pair[0], pair => double.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(["upstream", "accept", "admit", "lane", "ledger", "total"], durations.Keys);
            Assert.InRange(durations["upstream"], 0.001, 5_000);
            Assert.All(durations.Values, duration => Assert.True(duration >= 0, timing));
            Assert.True(durations["ledger"] > 0, timing);
            Assert.True(durations.Where(d => d.Key != "total").Sum(d => d.Value) <= durations["total"] + 0.01, timing);
        }

        foreach (var i in throttled)
        {
            var error = (await responses[i].Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
            Assert.Equal(130429, error.GetProperty("code").GetInt32());
            Assert.True(responses[i].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        Assert.Equal(sent.Count, Meta.Ledger(Number).Count);

        // A throttled request never reached Meta, so its key is free: the same request, retried, is sent once.
        var again = throttled[0];
        HttpResponseMessage retried;
        do
        {
            await Task.Delay(responses[again].Headers.RetryAfter!.Delta!.Value, Ct);
            retried = await PostAsync($"v21.0/{Number}/messages", Template($"1650555013{again}"), $"permit-{again}");
        }
        while (retried.StatusCode == HttpStatusCode.TooManyRequests);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Single(Meta.Ledger(Number), e => e.WaId == $"1650555013{again}");
    }

    [Fact]
    public async Task TheCloudApiRoute_AnswersMetasRefusal_WithItsCode_AndWhereTheTimeWent()
    {
        // Meta refuses the request itself (a parameter it does not accept): nothing to retry, nothing sent.
        Meta.ScriptFailure(Number, new ScriptedFailure(131009, 400, null), 1);

        var response = await PostAsync($"v21.0/{Number}/messages", Template("16505550171"), "refused-1");
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        var id = Assert.Single(response.Headers.GetValues("X-WaDispatch-Message-Id"));
        var message = await _client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(131009, error.GetProperty("code").GetInt32());
        Assert.Equal(("failed", 131009), (message.GetProperty("status").GetString(), message.GetProperty("error").GetProperty("code").GetInt32()));
        Assert.DoesNotContain(Meta.Ledger(Number), e => e.WaId == "16505550171");

        // Meta answered, so its share of the time is named, and WaDispatch's steps beside it, as for a message it took.
        var timing = Assert.Single(response.Headers.GetValues("Server-Timing"));
        var durations = timing.Split(", ").Select(entry => entry.Split(";dur=")).ToDictionary(pair => pair[0], pair => double.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["upstream", "accept", "admit", "lane", "ledger", "total"], durations.Keys);
        Assert.InRange(durations["upstream"], 0.001, 5_000);
        Assert.All(durations.Values, duration => Assert.True(duration >= 0, timing));
        Assert.True(durations.Where(d => d.Key != "total").Sum(d => d.Value) <= durations["total"] + 0.01, timing);
    }

    [Fact]
    public async Task AfterACrash_AcceptedMessagesAreSent_AndOnesCaughtSendingAreNeverSentAgain()
    {
        await StopSiloAsync();

        // What a crash leaves: one message accepted and never taken, one marked sending whose fate is unknown.
        var database = StorageDatabase.Create(new StorageOptions().UseSqlite(_file.ConnectionString));
        await using (database)
        {
            var ledger = new MessageLedgerStore(database);
            var at = DateTimeOffset.UtcNow.AddMinutes(-1);
            await ledger.WriteAsync(
            [
                Crashed("0190000000007000800000000000000a", "16505550141", at),
                Crashed("0190000000007000800000000000000b", "16505550142", at),
                new AdvanceWrite("0190000000007000800000000000000b", null, MessageStatuses.Sending, 1, 0, at),
            ], Ct);
        }

        // Nothing asks for them: the silo wakes its number's lane, which takes them up.
        await StartSiloAsync();
        var resent = await UntilStatusAsync("0190000000007000800000000000000a", "sent", "delivered", "read");
        var unknown = await UntilStatusAsync("0190000000007000800000000000000b", "failed", "sent", "delivered", "read");

        Assert.Single(Meta.Ledger(Number), e => e.WaId == "16505550141");
        Assert.Equal("failed", unknown.GetProperty("status").GetString());
        Assert.Equal(-1, unknown.GetProperty("error").GetProperty("code").GetInt32());
        Assert.DoesNotContain(Meta.Ledger(Number), e => e.WaId == "16505550142");
        Assert.NotNull(resent.GetProperty("wamid").GetString());
    }

    [Fact]
    public async Task ARestartDuringABacklog_LosesNothing_AndSendsNothingTwice()
    {
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 20 }, Ct)).EnsureSuccessStatusCode();
        var recipients = Enumerable.Range(0, 200).Select(i => $"1650556{i:D4}").ToList();
        var response = await _client.PostAsJsonAsync("v1/messages/batch", new { messages = recipients.Select(r => new { phone_number_id = Number, message = Template(r) }) }, Ct);
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("message").GetProperty("id").GetString()!).ToList();
        await Eventually.UntilAsync(() => Meta.Ledger(Number).Count >= 20);

        await StopSiloAsync();
        var sentBeforeRestart = Meta.Ledger(Number).Count;
        await StartSiloAsync();
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 1000 }, Ct)).EnsureSuccessStatusCode();
        var finals = new List<JsonElement>();
        foreach (var id in ids)
        {
            finals.Add(await UntilStatusAsync(id, "sent", "delivered", "read", "failed"));
        }

        var perRecipient = Meta.Ledger(Number).GroupBy(e => e.WaId).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(sentBeforeRestart < recipients.Count, "the restart came before the backlog was done");
        Assert.All(perRecipient.Values, count => Assert.Equal(1, count));
        for (var i = 0; i < ids.Count; i++)
        {
            // Sent ones are in Meta's ledger once; a failed one may only be one caught sending (outcome unknown).
            if (finals[i].GetProperty("status").GetString() == "failed")
            {
                Assert.Equal(-1, finals[i].GetProperty("error").GetProperty("code").GetInt32());
            }
            else
            {
                Assert.Equal(1, perRecipient.GetValueOrDefault(recipients[i]));
            }
        }

        Assert.True(finals.Count(f => f.GetProperty("status").GetString() != "failed") >= recipients.Count - 20, "almost all were sent");
    }

    private Task StartSiloAsync(params string[] settings) => StartSiloAsync(configure: null, settings);

    private async Task StartSiloAsync(Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, ["--Webhooks:AppSecret", "e2e-secret", .. settings], configure);
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    private async Task StopSiloAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task ABacklogBeyondTheLanesWindow_WaitsInTheLedger_AndIsSentOnceEach()
    {
        // Unbounded, the lane would have held most of the backlog at once. Parked, it holds its window (100) and at most
        // one ask again (10): a silo sends no more than the room the lane answered, counting what is on its way, so a
        // batch of 500 accepted at once does not all reach the lane before the first answer (it did, before that was counted).
        var deepest = await SendABacklogAsync(laneHasRoom: false);
        Assert.InRange(deepest, 1, 125);
    }

    [Fact]
    public async Task ABacklogReachingALaneWithRoom_TakesTheRoom_AndTheLaneStillHoldsItsWindow()
    {
        // The lane answered room for 99 more (one send before the backlog): the first 99 of the batch go to it, the rest
        // are parked, and the lane reads the ledger only once those 99 are in hand. Until 2026-12-06 the silo told the
        // lane of its parks at once: it read its window from the ledger while the 99 were still on their way, and held
        // up to twice its window (174-186 of 100 in five runs of five). Now at most its window and one ask again (10).
        var deepest = await SendABacklogAsync(laneHasRoom: true);
        Assert.InRange(deepest, 1, 125);
    }

    /// <summary>
    /// Sends 1,000 templates in two batches of 500 to a lane with a window of one second at 100 mps (the lane holds about
    /// 100 sends; the rest is parked in the ledger and read back as it drains); checks each reached Meta once. Returns the
    /// most sends the lane was seen to hold.
    /// </summary>
    private async Task<int> SendABacklogAsync(bool laneHasRoom)
    {
        await StopSiloAsync();
        // The tell waits for the sends on their way for as long as they take: on a loaded machine the default (2 s) can
        // run out while they go through admission, and the lane then holds them on top of its window.
        await StartSiloAsync("--Lanes:QueueWindow", "00:00:01", "--Lanes:MinQueuedSends", "10", "--Lanes:ParkedTellWait", "00:00:30", "--Budgets:DefaultTier", "TIER_UNLIMITED");
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 100 }, Ct)).EnsureSuccessStatusCode();
        var recipients = Enumerable.Range(0, 1000).Select(i => $"1650557{i:D4}").ToList();
        if (laneHasRoom)
        {
            // One template sent first: the lane's answer to it (room for 99 more) is what the silo knows of it.
            recipients.Insert(0, "16505589999");
            var first = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = Template(recipients[0]) }, Ct);
            await UntilStatusAsync((await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!, "sent", "delivered", "read");
        }

        var ids = new List<string>();
        var deepest = 0;
        foreach (var batch in recipients.Skip(laneHasRoom ? 1 : 0).Chunk(500))
        {
            var response = await _client.PostAsJsonAsync("v1/messages/batch", new { messages = batch.Select(r => new { phone_number_id = Number, message = Template(r) }) }, Ct);
            ids.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("message").GetProperty("id").GetString()!));
            deepest = Math.Max(deepest, await QueuedAsync());
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Meta.Ledger(Number).Count < recipients.Count)
        {
            deepest = Math.Max(deepest, await QueuedAsync());
            Assert.True(DateTime.UtcNow < deadline, $"Meta has {Meta.Ledger(Number).Count} of {recipients.Count} after a minute; the lane holds {await QueuedAsync()}; the last message is {(await GetAsync(ids[^1])).GetProperty("status")}");
            await Task.Delay(50, Ct);
        }

        var finals = new List<string?>();
        foreach (var id in ids)
        {
            finals.Add((await UntilStatusAsync(id, "sent", "delivered", "read")).GetProperty("status").GetString());
        }

        var perRecipient = Meta.Ledger(Number).GroupBy(e => e.WaId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1000, ids.Count);
        Assert.Equal(recipients.Count, perRecipient.Count);
        Assert.All(perRecipient.Values, count => Assert.Equal(1, count));
        Assert.All(finals, status => Assert.NotNull(status));
        return deepest;
    }

    [Fact]
    public async Task AParkedBacklogWhoseLaneWasNotToldOfIt_IsReadByTheSweep_AndSentOnceEach()
    {
        // The lane never hears of the parks (every call telling it fails, as one to a silo that died does), and nothing
        // else tells it: no more templates come for the number. The parked messages are due in the ledger, and the
        // silo's sweep (LaneWake, every 10 s) wakes every lane with due messages; its fill reads them.
        var refusing = new RefusingParkedCalls(() => Meta.Ledger(Number).Count);
        await StopSiloAsync();
        await StartSiloAsync(
            builder => builder.Services.AddSingleton<Orleans.IIncomingGrainCallFilter>(refusing),
            "--Lanes:QueueWindow", "00:00:01", "--Lanes:MinQueuedSends", "10", "--Budgets:DefaultTier", "TIER_UNLIMITED");
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 100 }, Ct)).EnsureSuccessStatusCode();

        // One template first: the lane is up, has read the ledger to its end, and has room for 99 (its window is 100).
        var first = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = Template("16505589999") }, Ct);
        await UntilStatusAsync((await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!, "sent", "delivered", "read");

        refusing.Refusing = true;
        var recipients = Enumerable.Range(0, 500).Select(i => $"1650557{i:D4}").ToList();
        var response = await _client.PostAsJsonAsync("v1/messages/batch", new { messages = recipients.Select(r => new { phone_number_id = Number, message = Template(r) }) }, Ct);
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("message").GetProperty("id").GetString()!).ToList();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Meta.Ledger(Number).Count < recipients.Count + 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Meta has {Meta.Ledger(Number).Count} of {recipients.Count + 1} after a minute; {refusing.Refused} tells refused");
            await Task.Delay(50, Ct);
        }

        foreach (var id in ids)
        {
            await UntilStatusAsync(id, "sent", "delivered", "read");
        }

        Assert.True(refusing.Refused > 0, "the lane was told of the parks: the test did not test a failed tell");
        Assert.True(refusing.SentAtFirstWake < recipients.Count + 1, $"no wake came while part of the backlog waited (Meta had {refusing.SentAtFirstWake} at the first)");
        Assert.All(Meta.Ledger(Number).GroupBy(e => e.WaId), g => Assert.Single(g));
    }

    /// <summary>
    /// Fails every call to a lane's <c>ParkedAsync</c> while <see cref="Refusing"/> is set, as a call to a silo that died
    /// fails; and notes how many messages Meta had (<paramref name="sent"/>) when the first wake-up reached a lane then.
    /// </summary>
    private sealed class RefusingParkedCalls(Func<int> sent) : Orleans.IIncomingGrainCallFilter
    {
        private int _refused;
        private int _sentAtFirstWake = int.MaxValue;

        public volatile bool Refusing;

        public int Refused => Volatile.Read(ref _refused);

        public int SentAtFirstWake => Volatile.Read(ref _sentAtFirstWake);

        public Task Invoke(Orleans.IIncomingGrainCallContext context)
        {
            if (Refusing && context.MethodName == nameof(WaDispatch.Grains.Lanes.IPhoneNumberGrain.ParkedAsync))
            {
                Interlocked.Increment(ref _refused);
                throw new InvalidOperationException("Refused by the test: the lane does not hear of parked messages now.");
            }

            if (Refusing && context.MethodName == nameof(WaDispatch.Grains.Lanes.IPhoneNumberGrain.WakeAtAsync))
            {
                Interlocked.CompareExchange(ref _sentAtFirstWake, sent(), int.MaxValue);
            }

            return context.Invoke();
        }
    }

    [Fact]
    public async Task AUtilityTemplateParkedBehindAMarketingBacklog_IsReadBackBeforeIt()
    {
        // A window of one second at 50 mps: the lane holds about 50 sends, and the rest of 600 marketing templates is
        // parked in the ledger. A utility template accepted after them, parked too, goes before them: its catalog
        // category ranks it, as the lane ranks what it holds. The lane's "no room" holds 10 s and the class is asked for
        // up to 30 s, so a slow machine neither sends the utility template straight to the lane nor parks it unranked.
        const string waba = "100000000000007";
        await StopSiloAsync();
        await StartSiloAsync(
            "--Lanes:QueueWindow", "00:00:01", "--Lanes:MinQueuedSends", "10", "--Lanes:ParkingHold", "00:00:10", "--Lanes:ParkedRankWait", "00:00:30",
            "--Budgets:DefaultTier", "TIER_UNLIMITED");
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 50, waba_id = waba }, Ct)).EnsureSuccessStatusCode();
        (await _client.PostAsync(new Uri($"v1/templates/sync?waba_id={waba}", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();
        var marketing = Enumerable.Range(0, 600).Select(i => $"1650558{i:D4}").ToList();
        const string urgent = "16505589999";
        var batch = await _client.PostAsJsonAsync("v1/messages/batch", new { messages = marketing.Select(to => new { phone_number_id = Number, message = Template(to, "promo") }) }, Ct);
        Assert.Equal(marketing.Count, (await batch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().Count(r => r.TryGetProperty("message", out _)));

        // Accepted alone once the lane is full: it is parked (due at once: its retry_at is its acceptance), not sent
        // straight to the lane, which would put it ahead of the parked backlog without any ranking.
        var response = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = Template(urgent) }, Ct);
        var sentBefore = Meta.Ledger(Number).Count;
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(accepted.TryGetProperty("retry_at", out var parkedAt), $"the utility template was not parked: {accepted}");
        Assert.Equal(accepted.GetProperty("accepted_at").GetDateTimeOffset(), parkedAt.GetDateTimeOffset());

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (Meta.Ledger(Number).Count < marketing.Count + 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Meta has {Meta.Ledger(Number).Count} of {marketing.Count + 1} after 90 s");
            await Task.Delay(50, Ct);
        }

        // In acceptance order it would have gone after every marketing template still waiting when it was accepted
        // (hundreds). Ranked, only what the lane already held (its window, about 50), a fill already on its way to it
        // (at most a window) and the sends upstream go before it.
        var order = Meta.Ledger(Number).Select(e => e.WaId).ToList();
        var passedIt = order.IndexOf(urgent) - sentBefore;
        Assert.Equal(marketing.Count + 1, order.Distinct().Count());
        Assert.True(passedIt <= 150, $"{passedIt} marketing templates reached Meta after the utility one was accepted and before it, of {marketing.Count - sentBefore} waiting then");
    }

    [Fact]
    public async Task AUtilityTemplateHeldByTheMessagingLimit_WaitsInTheLedgerAsUtility()
    {
        // TIER_250, the default: 250 recipients reached, the 251st's utility template waits for a recipient to leave
        // the moving 24 h. It was accepted as every template is (marketing, until its admission asked the catalog), and
        // waits in its catalog class, to be read back before marketing when the limit passes.
        const string waba = "100000000000008";
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 500, waba_id = waba }, Ct)).EnsureSuccessStatusCode();
        (await _client.PostAsync(new Uri($"v1/templates/sync?waba_id={waba}", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();
        var reached = Enumerable.Range(0, 250).Select(i => $"1650559{i:D4}").ToList();
        (await _client.PostAsJsonAsync("v1/messages/batch", new { messages = reached.Select(to => new { phone_number_id = Number, message = Template(to, "promo") }) }, Ct)).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Meta.Ledger(Number).Count < reached.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Meta has {Meta.Ledger(Number).Count} of {reached.Count} after a minute");
            await Task.Delay(50, Ct);
        }

        var expiresAt = DateTimeOffset.UtcNow.AddDays(2);
        var response = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, expires_at = expiresAt, message = Template("16505599999") }, Ct);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement held;
        while (!History(held = await GetAsync(id)).Contains("deferred"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"message {id} was not deferred: {held}");
            await Task.Delay(20, Ct);
        }

        var database = StorageDatabase.Create(new StorageOptions().UseSqlite(_file.ConnectionString));
        await using (database)
        {
            var parked = (await new MessageLedgerStore(database).ReadAsync(id, Ct))!;
            Assert.Equal(("accepted", 1), (held.GetProperty("status").GetString(), parked.Priority));
            Assert.Equal(ErrorCodes.MessagingLimitReached, held.GetProperty("error").GetProperty("code").GetInt32());
        }

        Assert.Equal(reached.Count, Meta.Ledger(Number).Count);
    }

    [Fact]
    public async Task ANumberMovedToAnotherBusiness_DrawsOnThatBusinessLimit_FromTheNextMessage()
    {
        // The silo keeps each number's route a few seconds (LaneRoutes); configuring the number must not wait that out.
        // (LaneRoutesTests holds the clock still, so that the kept route cannot lapse on a slow machine.)
        (await PostAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550181") }, "moved-1")).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => await UsedAsync(Number) == 1);
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { business_id = "biz-moved" }, Ct)).EnsureSuccessStatusCode();
        var after = await PostAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550182") }, "moved-2");
        await UntilStatusAsync((await after.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!, "sent", "delivered", "read");

        Assert.Equal((1, 1), (await UsedAsync(Number), await UsedAsync("biz-moved")));
    }

    private async Task<int> UsedAsync(string businessId) =>
        (await _client.GetFromJsonAsync<JsonElement>($"v1/businesses/{businessId}", Ct)).GetProperty("budgets").EnumerateArray().Sum(b => b.GetProperty("used").GetInt32());

    private async Task<int> QueuedAsync()
    {
        var queued = (await _client.GetFromJsonAsync<JsonElement>($"v1/phone-numbers/{Number}", Ct)).GetProperty("queued");
        return queued.GetProperty("reply").GetInt32() + queued.GetProperty("transactional").GetInt32() + queued.GetProperty("bulk").GetInt32() + queued.GetProperty("held").GetInt32();
    }

    private async Task<HttpResponseMessage> PostAsync<T>(string path, T body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(MessagesApi.IdempotencyHeader, idempotencyKey);
        return await _client.SendAsync(request, Ct);
    }

    private async Task<JsonElement> GetAsync(string id) =>
        await _client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct);

    private async Task<JsonElement> UntilStatusAsync(string id, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var message = await GetAsync(id);
            if (statuses.Contains(message.GetProperty("status").GetString()))
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"message {id} is still {message.GetProperty("status")}, not {string.Join(" or ", statuses)}");
            await Task.Delay(20, Ct);
        }
    }

    private static IEnumerable<string?> History(JsonElement message) =>
        message.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("status").GetString());

    private static object Template(string to) => new
    {
        messaging_product = "whatsapp",
        to,
        type = "template",
        template = new { name = "welcome", language = new { code = "en_US" }, components = new[] { new { type = "body", parameters = new[] { new { type = "text", text = "Ada" } } } } },
    };

    /// <summary>A template without parameters (the simulator's <c>promo</c>, marketing).</summary>
    private static object Template(string to, string name) => new
    {
        messaging_product = "whatsapp",
        to,
        type = "template",
        template = new { name, language = new { code = "en_US" }, components = Array.Empty<object>() },
    };

    private static AcceptWrite Crashed(string id, string to, DateTimeOffset at) => new(new LedgerMessage(
        id, null, Number, to, null, "async",
        JsonSerializer.Serialize(Template(to)),
        MessageStatuses.Accepted, null, null, null, at, at.AddHours(1), at));
}
