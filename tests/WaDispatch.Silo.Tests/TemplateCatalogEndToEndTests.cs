using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Templates;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Grains;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>The template catalog: synced from the simulator's store, kept fresh by signed webhooks, checked on every template send.</summary>
public sealed class TemplateCatalogEndToEndTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string Waba = "100000000000001";
    private const string Secret = "catalog-secret";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CloudApiSimulator Meta => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    private IGrainFactory Grains => _silo.Services.GetRequiredService<IGrainFactory>();

    private MessageDispatcher Dispatcher => _silo.Services.GetRequiredService<MessageDispatcher>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o => o.AppSecret = Secret);
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, "--Webhooks:AppSecret", Secret);
        _http = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
        TestSilo.SendWebhooksTo(_simulator, _silo);

        // Straight to the grain: through the API, a WABA seen for the first time is synced at once.
        await Grains.GetGrain<IPhoneNumberGrain>(Number).ConfigureAsync(new LaneConfiguration(null, null, null, null, Waba));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task BeforeTheFirstSync_AnUnknownTemplate_IsSentThrough_ForMetaToDecide()
    {
        var result = await Dispatcher.SendAsync(Send("not_synced_yet", SendOrigin.Direct), Ct);

        Assert.Equal(DispatchStatus.Sent, result.Status);
    }

    [Fact]
    public async Task ASyncReadsEveryPage_AndThenAMalformedOrUnknownSendIsRefusedWithoutCallingMeta()
    {
        var store = _simulator.Services.GetRequiredService<TemplateStore>();
        for (var i = 0; i < 150; i++)
        {
            store.Put(new MessageTemplate { Name = $"campaign_{i:D3}", Language = "en_US", Category = "MARKETING", Components = [new MessageTemplateComponent { Type = "BODY", Text = "Hi {{1}}" }] });
        }

        var synced = await SyncAsync();
        var wrongCount = await Dispatcher.SendAsync(Send("order_confirmation", SendOrigin.Direct, "A-1001", "$100.99"), Ct);
        var unknown = await Dispatcher.SendAsync(Send("no_such_template", SendOrigin.Direct), Ct);

        Assert.Equal(store.Count, synced.GetProperty("templates").GetArrayLength());
        Assert.Equal(JsonValueKind.String, synced.GetProperty("synced_at").ValueKind);
        Assert.Equal((DispatchStatus.Refused, ErrorCodes.GenericUserError), (wrongCount.Status, wrongCount.Error!.Code));
        Assert.Equal((DispatchStatus.Refused, ErrorCodes.TemplateDoesNotExist), (unknown.Status, unknown.Error!.Code));
        Assert.Empty(Meta.Ledger(Number));
    }

    [Fact]
    public async Task ConfiguringANumberWithANewWaba_SyncsItsCatalogInTheBackground()
    {
        (await _http.PutAsJsonAsync("v1/phone-numbers/106540352242999", new { waba_id = "200000000000002" }, Ct)).EnsureSuccessStatusCode();
        var catalog = Grains.GetGrain<ITemplateCatalogGrain>("200000000000002");

        await Eventually.UntilAsync(async () => (await catalog.GetSnapshotAsync()).SyncedAt is not null);
        using var listed = await _http.GetAsync(new Uri("v1/templates?waba_id=200000000000002", UriKind.Relative), Ct);
        var body = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(_simulator.Services.GetRequiredService<TemplateStore>().Count, body.GetProperty("templates").GetArrayLength());
    }

    [Fact]
    public async Task PausingATemplateAtMeta_ReachesTheCatalogByWebhook_AndTheNextSendFailsLocallyWith132015()
    {
        await SyncAsync();
        var before = await Dispatcher.SendAsync(Send("welcome", SendOrigin.Direct, "Ana"), Ct);
        (await _http.PutAsJsonAsync(new Uri(_simulator.Address, "_sim/templates/welcome/en_US"), new { status = "PAUSED" }, Ct)).EnsureSuccessStatusCode();
        var catalog = Grains.GetGrain<ITemplateCatalogGrain>(Waba);
        await Eventually.UntilAsync(async () => (await catalog.LookupAsync("welcome", "en_US")).Template?.Status == "PAUSED");
        var after = await Dispatcher.SendAsync(Send("welcome", SendOrigin.Direct, "Ana"), Ct);

        Assert.Equal(DispatchStatus.Sent, before.Status);
        Assert.Equal((DispatchStatus.Refused, ErrorCodes.TemplatePaused), (after.Status, after.Error!.Code));
        Assert.Single(Meta.Ledger(Number));
    }

    [Fact]
    public async Task ARecategorisationToMarketing_MakesTheMarketingOptOutApply_WhateverTheCallerSays()
    {
        await SyncAsync();
        var recipient = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRecipientGrain>(RecipientKey.Of(Number, "16505551234"));
        await recipient.RecordMarketingPreferenceAsync(stopped: true, DateTimeOffset.UtcNow);

        var asUtility = await Dispatcher.SendAsync(Send("welcome", SendOrigin.Campaign, "Ana"), Ct);
        await WebhookAsync("template_category_update", """{"message_template_id":1,"message_template_name":"welcome","message_template_language":"en_US","previous_category":"UTILITY","new_category":"MARKETING"}""");
        await WebhookAsync("template_category_update", """{"message_template_id":1,"message_template_name":"welcome","message_template_language":"en_US","previous_category":"MARKETING","new_category":"UTILITY"}""", secondsAgo: 3600);
        var asMarketing = await Dispatcher.SendAsync(Send("welcome", SendOrigin.Campaign, "Ana"), Ct);

        Assert.Equal(DispatchStatus.Sent, asUtility.Status);
        Assert.Equal((DispatchStatus.Skipped, RecipientDecision.OptedOut), (asMarketing.Status, asMarketing.SkipReason));
    }

    private async Task<JsonElement> SyncAsync()
    {
        using var response = await _http.PostAsync(new Uri($"v1/templates/sync?waba_id={Waba}", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
    }

    /// <summary>Posts a signed webhook; <paramref name="secondsAgo"/> makes it an old event delivered late.</summary>
    private async Task WebhookAsync(string field, string value, int secondsAgo = -5)
    {
        var time = DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToUnixTimeSeconds();
        var body = $$"""{"object":"whatsapp_business_account","entry":[{"id":"{{Waba}}","time":{{time}},"changes":[{"field":"{{field}}","value":{{value}}}]}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        using var response = await _http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Stored and answered; processed after the answer, like Meta's deliveries.
        await _silo.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
    }

    private static DispatchRequest Send(string template, SendOrigin origin, params string[] body) => new(
        $"{template}-{Guid.NewGuid():N}",
        Number,
        new SendMessageRequest
        {
            To = "+16505551234",
            Type = "template",
            Template = new TemplateContent
            {
                Name = template,
                Language = new TemplateLanguage { Code = "en_US" },
                Components = body.Length == 0 ? null : [new TemplateComponent { Type = "body", Parameters = [.. body.Select(b => new TemplateParameter { Type = "text", Text = b })] }],
            },
        },
        MessageCategory.Utility,
        origin,
        DateTimeOffset.UtcNow.AddHours(1));
}
