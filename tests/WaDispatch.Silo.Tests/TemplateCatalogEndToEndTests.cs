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
using WaDispatch.Grains.Recipients;
using WaDispatch.Runtime;
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

    private MessageDispatcher Dispatcher => _silo.Services.GetRequiredService<MessageDispatcher>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync();
        _silo = SiloApplication.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--Storage:ConnectionString", _file.ConnectionString,
            "--Simulator:Enabled", "false",
            "--CloudApi:BaseAddress", _simulator.Address.ToString(),
            "--Webhooks:AppSecret", Secret,
        ]);
        await _silo.StartAsync(Ct);
        _http = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
        (await _http.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { waba_id = Waba }, Ct)).EnsureSuccessStatusCode();
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
    public async Task AStatusWebhookPausingATemplate_MakesTheNextSendFailLocallyWith132015()
    {
        await SyncAsync();
        var before = await Dispatcher.SendAsync(Send("welcome", SendOrigin.Direct, "Ana"), Ct);
        await WebhookAsync("message_template_status_update", """{"event":"PAUSED","message_template_id":1,"message_template_name":"welcome","message_template_language":"en_US","reason":"LOW_QUALITY"}""");
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

    private async Task WebhookAsync(string field, string value)
    {
        var time = DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeSeconds();
        var body = $$"""{"object":"whatsapp_business_account","entry":[{"id":"{{Waba}}","time":{{time}},"changes":[{"field":"{{field}}","value":{{value}}}]}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        using var response = await _http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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
