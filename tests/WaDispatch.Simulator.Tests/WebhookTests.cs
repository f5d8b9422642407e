using System.Text;
using System.Text.Json;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Simulator.Tests;

public sealed class WebhookTests
{
    private const string Secret = "app-secret-under-test";

    [Fact]
    public async Task Statuses_ArriveSentDeliveredRead_SignedWithTheAppSecret_EchoingCallbackData()
    {
        await using var sim = await StartAsync();

        Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        var wamid = (await sim.LedgerAsync())[0].Id;

        var statuses = new List<MessageStatus>();
        foreach (var step in new[] { 1, 1, 1 })
        {
            sim.Time.Advance(TimeSpan.FromSeconds(step));
            var webhook = await sim.Receiver!.NextAsync();
            Assert.True(WebhookSignature.Verify(webhook.Body, webhook.Signature, Secret));
            Assert.False(WebhookSignature.Verify(webhook.Body, webhook.Signature, "another-secret"));
            statuses.Add(Assert.Single(Messages(webhook).Statuses!));
        }

        Assert.Equal(["sent", "delivered", "read"], statuses.Select(s => s.Status));
        Assert.All(statuses, s => Assert.Equal((wamid, "16505551234", "cb-+16505551234"), (s.Id, s.RecipientId, s.BizOpaqueCallbackData)));
        Assert.Equal(0, sim.Receiver!.Waiting);
    }

    [Fact]
    public async Task ANumberWithoutStatusWebhooks_SendsNone_TheOthersStillDo()
    {
        await using var sim = await StartAsync();
        Assert.Equal(204, (await sim.ControlAsync(HttpMethod.Put, $"phone-numbers/{SimulatorHarness.Number}", """{"messages_per_second":80,"status_webhooks":false}""")).Status);

        Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        sim.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, sim.Receiver!.Waiting);

        await sim.ControlAsync(HttpMethod.Put, $"phone-numbers/{SimulatorHarness.Number}", """{"messages_per_second":80,"status_webhooks":true}""");
        Assert.Equal((200, 0), await sim.SendAsync("+16505551235"));
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("sent", Assert.Single(Messages(await sim.Receiver.NextAsync()).Statuses!).Status);
    }

    [Fact]
    public async Task AWabaTheAppIsNotSubscribedTo_GetsNoWebhooks_UntilItSubscribes()
    {
        await using var sim = await StartAsync(o => o.SubscribedByDefault = false);

        Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        sim.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, sim.Receiver!.Waiting);
        Assert.Equal(3, sim.Simulator.WebhookStats.Unsubscribed);

        Assert.Equal((200, 0), await sim.PostAsync($"v21.0/{new SimulatorOptions().BusinessAccountId}/subscribed_apps", "{}"));
        Assert.Equal((200, 0), await sim.SendAsync("+16505551235"));
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("sent", Assert.Single(Messages(await sim.Receiver.NextAsync()).Statuses!).Status);
    }

    [Fact]
    public async Task ARecipientRule_FailsTheMessageAfterAcceptance_WithItsCode()
    {
        await using var sim = await StartAsync();
        await sim.ControlAsync(HttpMethod.Put, "recipients/16505550026", """{"fail_with":131026}""");

        Assert.Equal((200, 0), await sim.SendAsync("+16505550026"));
        sim.Time.Advance(TimeSpan.FromSeconds(1));

        var status = Assert.Single(Messages(await sim.Receiver!.NextAsync()).Statuses!);
        Assert.Equal("failed", status.Status);
        Assert.Equal(131026, Assert.Single(status.Errors!).Code);
    }

    [Fact]
    public async Task ARecipientRule_DelaysThatUsersStatuses()
    {
        await using var sim = await StartAsync();
        await sim.ControlAsync(HttpMethod.Put, "recipients/16505550777", """{"status_delay_ms":5000}""");

        await sim.SendAsync("+16505550777");
        sim.Time.Advance(TimeSpan.FromSeconds(5.999));
        Assert.Equal(0, sim.Receiver!.Waiting);
        sim.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("sent", Messages(await sim.Receiver.NextAsync()).Statuses![0].Status);
        sim.Time.Advance(TimeSpan.FromSeconds(2)); // delivered at 2 s + 5 s, read at 3 s + 5 s
        var later = new[] { await sim.Receiver.NextAsync(), await sim.Receiver.NextAsync() };
        Assert.Equal(["delivered", "read"], later.Select(w => Messages(w).Statuses![0].Status).Order()); // due together: either order
        await sim.ControlAsync(HttpMethod.Delete, "recipients/16505550777");
        await sim.SendAsync("+16505550777");
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("sent", Messages(await sim.Receiver.NextAsync()).Statuses![0].Status);
    }

    [Fact]
    public async Task AStoppedUser_GetsNoMarketing_ButStillGetsUtility()
    {
        await using var sim = await StartAsync(o => o.TemplateCategories["receipt"] = "UTILITY");
        await sim.ControlAsync(HttpMethod.Post, "user-preferences", $$"""{"phone_number_id":"{{SimulatorHarness.Number}}","wa_id":"16505551234","value":"stop"}""");
        var preference = Assert.Single(Change(await sim.Receiver!.NextAsync()).ReadUserPreferences()!.UserPreferences!);
        Assert.Equal(("16505551234", "stop", "marketing_messages"), (preference.WaId, preference.Value, preference.Category));

        await sim.SendAsync("+16505551234", template: "promo");
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        var marketing = Assert.Single(Messages(await sim.Receiver.NextAsync()).Statuses!);
        await sim.SendAsync("+16505551234", template: "receipt");
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        var utility = Assert.Single(Messages(await sim.Receiver.NextAsync()).Statuses!);

        Assert.Equal(("failed", 131050), (marketing.Status, marketing.Errors![0].Code));
        Assert.Equal("sent", utility.Status);
    }

    [Fact]
    public async Task ABodyWithNonAsciiText_IsEscapedAsMetaWritesIt_SoAReceiverThatReescapesVerifiesTheSignature()
    {
        await using var sim = await StartAsync();

        await sim.ControlAsync(HttpMethod.Post, "inbound", $$"""{"phone_number_id":"{{SimulatorHarness.Number}}","from":"16505551234","text":"Olá 👋 привет"}""");
        var webhook = await sim.Receiver!.NextAsync();
        var text = Encoding.UTF8.GetString(webhook.Body);

        // All ASCII, with \uxxxx escapes in lowercase hex (the emoji as its surrogate pair), and the text still reads back.
        Assert.All(webhook.Body, b => Assert.True(b < 0x80));
        Assert.Contains("Ol\\u00e1 \\ud83d\\udc4b \\u043f\\u0440\\u0438\\u0432\\u0435\\u0442", text, StringComparison.Ordinal);
        Assert.Equal("Olá 👋 привет", Assert.Single(Messages(webhook).Messages!).Text!.Body);

        // whatsapp-api-js's check: re-escape every character outside printable ASCII, then HMAC those bytes.
        var reescaped = string.Concat(text.Select(c => c is >= '\0' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
        Assert.True(WebhookSignature.Verify(Encoding.UTF8.GetBytes(reescaped), webhook.Signature, Secret));
        Assert.True(WebhookSignature.Verify(webhook.Body, webhook.Signature, Secret));
    }

    [Fact]
    public async Task EntryTime_IsAnInteger_AndAStatusPricingCategory_ComesFromTheTemplateStore()
    {
        await using var sim = await StartAsync();

        await sim.SendAsync("+16505551234", template: "order_confirmation");
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        var webhook = await sim.Receiver!.NextAsync();
        using var body = JsonDocument.Parse(webhook.Body);
        var entry = body.RootElement.GetProperty("entry")[0];

        Assert.Equal(JsonValueKind.Number, entry.GetProperty("time").ValueKind);
        Assert.Equal(sim.Time.GetUtcNow().ToUnixTimeSeconds() - 1, entry.GetProperty("time").GetInt64());
        Assert.Equal("utility", Assert.Single(Messages(webhook).Statuses!).Pricing!.Category);
    }

    [Fact]
    public async Task AnInboundMessage_IsDeliveredAsAMessagesWebhook()
    {
        await using var sim = await StartAsync();

        await sim.InboundAsync("16505551234");

        var message = Assert.Single(Messages(await sim.Receiver!.NextAsync()).Messages!);
        Assert.Equal(("16505551234", "text", sim.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), (message.From, message.Type, message.Timestamp));
    }

    [Fact]
    public async Task AFailedDelivery_IsRetriedWithDoublingBackoff_UntilItSucceeds()
    {
        await using var sim = await StartAsync(o => o.WebhookRetryDelay = TimeSpan.FromSeconds(10));
        sim.Receiver!.FailNext(2);

        await sim.InboundAsync("16505551234");
        // Each retry is due its delay after the failure, whenever its timer is created.
        await Eventually.UntilAsync(() => sim.Simulator.WebhookStats.FailedAttempts == 1);
        sim.Time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(() => sim.Simulator.WebhookStats.FailedAttempts == 2);
        sim.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, sim.Receiver.Waiting);
        sim.Time.Advance(TimeSpan.FromSeconds(1));

        var webhook = await sim.Receiver.NextAsync();
        Assert.True(WebhookSignature.Verify(webhook.Body, webhook.Signature, Secret));
        await Eventually.UntilAsync(() => sim.Simulator.WebhookStats.Delivered == 1);
        Assert.Equal((1L, 2L, 0L), (sim.Simulator.WebhookStats.Delivered, sim.Simulator.WebhookStats.FailedAttempts, sim.Simulator.WebhookStats.Abandoned));
    }

    [Fact]
    public async Task Duplicates_AreDeliveredWhenConfigured_ByteForByte()
    {
        await using var sim = await StartAsync(o => o.DuplicateRate = 1);

        await sim.InboundAsync("16505551234");
        sim.Time.Advance(TimeSpan.FromMilliseconds(10));

        var first = await sim.Receiver!.NextAsync();
        var second = await sim.Receiver.NextAsync();
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Signature, second.Signature);
    }

    [Fact]
    public async Task Reordering_HoldsAWebhookBackPastLaterOnes()
    {
        // With every webhook held back by the same amount, order is kept; the hold-back itself is what is checked.
        await using var sim = await StartAsync(o => o.ReorderRate = 1);

        Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        sim.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(0, sim.Receiver!.Waiting);
        sim.Time.Advance(TimeSpan.FromSeconds(10));

        var statuses = new[] { await sim.Receiver.NextAsync(), await sim.Receiver.NextAsync(), await sim.Receiver.NextAsync() };
        Assert.Equal(["delivered", "read", "sent"], statuses.Select(w => Messages(w).Statuses![0].Status).Order());
    }

    private static Task<SimulatorHarness> StartAsync(Action<SimulatorOptions>? configure = null) =>
        SimulatorHarness.StartAsync(
            o =>
            {
                o.AppSecret = Secret;
                o.SentDelay = TimeSpan.FromSeconds(1);
                o.DeliveredDelay = TimeSpan.FromSeconds(2);
                o.ReadDelay = TimeSpan.FromSeconds(3);
                configure?.Invoke(o);
            },
            webhooks: true);

    private static WebhookChange Change(ReceivedWebhook webhook)
    {
        var payload = JsonSerializer.Deserialize(webhook.Body, CloudApiJsonContext.Wire.WebhookPayload)!;
        Assert.Equal("whatsapp_business_account", payload.ObjectType);
        return Assert.Single(Assert.Single(payload.Entry!).Changes!);
    }

    private static MessagesValue Messages(ReceivedWebhook webhook)
    {
        var change = Change(webhook);
        Assert.Equal("messages", change.Field);
        return change.ReadMessages()!;
    }
}
