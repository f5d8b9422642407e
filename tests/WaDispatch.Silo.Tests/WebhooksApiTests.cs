using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>The webhook receiver: subscription check, signatures over the exact bytes, routing to recipients.</summary>
public sealed class WebhooksApiTests : IAsyncLifetime
{
    private const string Secret = "test-app-secret";
    private readonly TempSqliteFile _file = new();
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        SiloContentRoot.Pin();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseFreeOrleansPorts()
            .UseSetting("Storage:ConnectionString", _file.ConnectionString)
            .UseSetting("Webhooks:AppSecret", Secret)
            .UseSetting("Webhooks:VerifyToken", "let-me-in"));
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task Verification_EchoesTheChallenge_OnlyForTheRightToken()
    {
        var right = await _client.GetAsync(new Uri("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=let-me-in&hub.challenge=1158201444", UriKind.Relative), Ct);
        var wrong = await _client.GetAsync(new Uri("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", UriKind.Relative), Ct);

        Assert.Equal((HttpStatusCode.OK, "1158201444"), (right.StatusCode, await right.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Fact]
    public async Task ASignedInboundMessage_OpensTheWindow_AndABadSignatureChangesNothing()
    {
        var body = """{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100","phone_number_id":"106540352242922"},"messages":[{"from":"16505551234","id":"wamid.in","timestamp":"1767225600","type":"text","text":{"body":"hi"}}]}}]}]}""";

        var forged = await PostAsync(body, "sha256=" + new string('0', 64));
        var recipient = _factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IRecipientGrain>(RecipientKey.Of("106540352242922", "16505551234"));
        var afterForged = await recipient.GetSnapshotAsync();
        var signed = await PostAsync(body, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        var afterSigned = await recipient.GetSnapshotAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Null(afterForged.LastInboundAt);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), afterSigned.LastInboundAt);
    }

    [Fact]
    public async Task AChangeShapedUnexpectedly_IsSkipped_AndTheOthersInTheDeliveryStillCount()
    {
        var body = """{"object":"whatsapp_business_account","entry":[null,{"id":"1","changes":[null,{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.x","status":"failed","timestamp":"1767225600","recipient_id":"16505550001","pricing":{"billable":"perhaps"}}]}},{"field":"user_preferences","value":{"metadata":{"phone_number_id":"106540352242922"},"user_preferences":[{"wa_id":"+1 650-555-0002","category":"marketing_messages","value":"stop","timestamp":"1767225600"},{"wa_id":"","category":"marketing_messages","value":"stop","timestamp":"1767225600"}]}}]}]}""";

        var response = await PostAsync(body, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        var recipient = _factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IRecipientGrain>(RecipientKey.Of("106540352242922", "16505550002"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await recipient.GetSnapshotAsync()).MarketingOptedOut);
    }

    [Fact]
    public async Task AThroughputUpgrade_RaisesTheLaneTo1000_AndANewLimitBecomesTheBusinessesTier()
    {
        (await _client.PutAsJsonAsync("v1/phone-numbers/106540352242922", new { business_id = "biz-9", display_phone_number = "+1 555-0100" }, Ct)).EnsureSuccessStatusCode();
        var body = """{"object":"whatsapp_business_account","entry":[{"id":"1","time":1767225600,"changes":[{"field":"phone_number_quality_update","value":{"display_phone_number":"15550100","event":"THROUGHPUT_UPGRADE","current_limit":"TIER_10K"}}]}]}""";

        var response = await PostAsync(body, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        var grains = _factory.Services.GetRequiredService<IGrainFactory>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, (await grains.GetGrain<IPhoneNumberGrain>("106540352242922").GetSnapshotAsync()).ThroughputMps);
        Assert.Equal(MessagingLimitTier.Tier10K, (await grains.GetGrain<IBusinessGrain>("biz-9").GetSnapshotAsync()).Tier);
    }

    [Theory]
    [InlineData("ONBOARDING", "\"max_daily_conversations_per_business\":\"TIER_2K\"", 80, MessagingLimitTier.Tier2K)]
    [InlineData("THROUGHPUT_UPGRADE", "\"max_daily_conversations_per_business\":\"TIER_UNLIMITED\"", 1000, MessagingLimitTier.Unlimited)]
    [InlineData("UPGRADE", "\"current_limit\":\"TIER_10K\",\"max_daily_conversations_per_business\":\"TIER_100K\"", 80, MessagingLimitTier.Tier100K)]
    [InlineData("DOWNGRADE", "\"current_limit\":\"TIER_1K\",\"old_limit\":\"TIER_10K\"", 80, MessagingLimitTier.Tier1K)]
    public async Task AQualityUpdateInTodaysPayload_SetsTheBusinessesTier_NewestVocabularyFirst(string qualityEvent, string limits, int mps, MessagingLimitTier expected)
    {
        // Meta's current examples carry only max_daily_conversations_per_business; current_limit/old_limit are the older vocabulary.
        (await _client.PutAsJsonAsync("v1/phone-numbers/106540352242923", new { business_id = "biz-q", display_phone_number = "+1 555 078 3881" }, Ct)).EnsureSuccessStatusCode();
        var body = $$$"""{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1751312150,"changes":[{"value":{"display_phone_number":"15550783881","event":"{{{qualityEvent}}}",{{{limits}}}},"field":"phone_number_quality_update"}]}]}""";

        var response = await PostAsync(body, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        var grains = _factory.Services.GetRequiredService<IGrainFactory>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mps, (await grains.GetGrain<IPhoneNumberGrain>("106540352242923").GetSnapshotAsync()).ThroughputMps);
        Assert.Equal(expected, (await grains.GetGrain<IBusinessGrain>("biz-q").GetSnapshotAsync()).Tier);
    }

    [Theory]
    [InlineData("\"max_daily_conversations_per_business\":\"TIER_10K\"", MessagingLimitTier.Tier10K)]
    [InlineData("\"max_daily_conversation_per_phone\":100000", MessagingLimitTier.Tier100K)]
    [InlineData("\"max_daily_conversations_per_business\":\"UNLIMITED\"", MessagingLimitTier.Unlimited)]
    public async Task ABusinessCapabilityUpdate_SetsTheTierOfTheBusinessBehindTheWaba(string limit, MessagingLimitTier expected)
    {
        (await _client.PutAsJsonAsync("v1/phone-numbers/106540352242922", new { business_id = "biz-cap", waba_id = "100000000000007" }, Ct)).EnsureSuccessStatusCode();
        var body = $$$"""{"object":"whatsapp_business_account","entry":[{"id":"100000000000007","time":1767225600,"changes":[{"field":"business_capability_update","value":{{{{limit}}}}}]}]}""";

        var response = await PostAsync(body, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await _factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IBusinessGrain>("biz-cap").GetSnapshotAsync()).Tier);
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, signature);
        var response = await _client.SendAsync(request, Ct);

        // Stored, answered, then processed: wait for the processing, as Meta would not.
        await _factory.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
        return response;
    }
}
