using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// The app's webhook subscription on each WABA, end to end against the simulator playing Meta strictly (no webhooks
/// until the app subscribes): subscribed at start-up, changed by operators, paced under the management limit, and
/// visible in readiness and metrics.
/// </summary>
public sealed class WabaSubscriptionTests : IAsyncLifetime
{
    internal const string Waba = "100000000000020";
    internal const string Number = "106540352242922";
    internal const string Secret = "subscription-secret";
    internal const string VerifyToken = "subscription-verify-token";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication? _silo;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebhookSubscriptions Meta => _simulator.Services.GetRequiredService<WebhookSubscriptions>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = Secret;
            o.BusinessAccountId = Waba;
            o.SubscribedByDefault = false;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
            o.ReadDelay = TimeSpan.FromMilliseconds(30);
        });
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_silo is not null)
        {
            await _silo.StopAsync(Ct);
            await _silo.DisposeAsync();
        }

        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task AtStartUp_AWabaNotSubscribed_IsSubscribed_AndItsStatusWebhooksArrive()
    {
        await StartSiloAsync();

        var subscription = await UntilSubscriptionAsync("subscribed");
        var id = await SendAsync("16505550401");

        Assert.True(Meta.Of(Waba, subscribedByDefault: false).Subscribed);
        Assert.Equal("read", (await UntilMessageStatusAsync(id, "read")).GetProperty("status").GetString());
        Assert.True(subscription.GetProperty("calls_last_hour").GetInt32() >= 2); // the list that found it missing, the subscribe
    }

    [Fact]
    public async Task AnOperatorsUnsubscribe_ShowsInReadinessAndMetrics_UntilTheOperatorSubscribesAgain()
    {
        await StartSiloAsync();
        await UntilSubscriptionAsync("subscribed");

        using var deleted = await _client.DeleteAsync(new Uri($"v1/wabas/{Waba}/subscription", UriKind.Relative), Ct);
        var afterDelete = await deleted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var refreshed = await _client.GetFromJsonAsync<JsonElement>($"v1/wabas/{Waba}/subscription?refresh=true", Ct);
        var degraded = await ReadinessAsync();
        var metricsWhileOff = await _client.GetStringAsync(new Uri("metrics", UriKind.Relative), Ct);

        using var put = await _client.PutAsync(new Uri($"v1/wabas/{Waba}/subscription", UriKind.Relative), null, Ct);
        var afterPut = await put.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var healthy = await UntilReadinessAsync("Healthy");

        Assert.Equal((HttpStatusCode.OK, "not_subscribed", true), (deleted.StatusCode, afterDelete.GetProperty("status").GetString(), afterDelete.GetProperty("unsubscribed_by_operator").GetBoolean()));
        Assert.Equal("not_subscribed", refreshed.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, degraded.Status);
        Assert.Equal("Degraded", degraded.Body.GetProperty("checks").GetProperty("webhook_subscriptions").GetProperty("status").GetString());
        Assert.Contains(Waba, degraded.Body.GetProperty("checks").GetProperty("webhook_subscriptions").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains($"wadispatch_waba_subscribed{{waba_id=\"{Waba}\"}} 0", metricsWhileOff, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "subscribed", false), (put.StatusCode, afterPut.GetProperty("status").GetString(), afterPut.GetProperty("unsubscribed_by_operator").GetBoolean()));
        Assert.True(Meta.Of(Waba, subscribedByDefault: false).Subscribed);
        Assert.Equal("Healthy", healthy.GetProperty("checks").GetProperty("webhook_subscriptions").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ThrottledByMeta_TheCallAnswers429WithRetryAfter_LaterCallsAreHeldWithoutReachingMeta_AndSendingGoesOn()
    {
        await StartSiloAsync();
        await UntilSubscriptionAsync("subscribed");
        using var http = new HttpClient();
        using (var script = await http.PostAsync(new Uri(_simulator.Address, "_sim/subscribed-apps/failures?code=80007&count=1"), null, Ct))
        {
            script.EnsureSuccessStatusCode();
        }

        using var throttled = await _client.PutAsync(new Uri($"v1/wabas/{Waba}/subscription", UriKind.Relative), null, Ct);
        var callsAtMeta = Meta.CallsInLastHour(Waba, DateTimeOffset.UtcNow);
        using var held = await _client.PutAsync(new Uri($"v1/wabas/{Waba}/subscription", UriKind.Relative), null, Ct);
        var heldError = (await held.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        var subscription = await _client.GetFromJsonAsync<JsonElement>($"v1/wabas/{Waba}/subscription", Ct);
        var id = await SendAsync("16505550402");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(80007, (await throttled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("code").GetInt32());
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.Contains("makes no management call", heldError.GetProperty("error_data").GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal(callsAtMeta, Meta.CallsInLastHour(Waba, DateTimeOffset.UtcNow));
        Assert.True(subscription.TryGetProperty("held_until", out _));
        Assert.Equal("subscribed", subscription.GetProperty("status").GetString());
        Assert.Equal("read", (await UntilMessageStatusAsync(id, "read")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheHourlyBudget_HoldsTheCallsBeyondIt_BeforeTheyReachMeta()
    {
        // Start-up spends two (the list, the subscribe), the refresh the third.
        await StartSiloAsync("--Webhooks:ManagementCallsPerHour", "3");
        await UntilSubscriptionAsync("subscribed");
        using var third = await _client.GetAsync(new Uri($"v1/wabas/{Waba}/subscription?refresh=true", UriKind.Relative), Ct);

        using var fourth = await _client.GetAsync(new Uri($"v1/wabas/{Waba}/subscription?refresh=true", UriKind.Relative), Ct);
        var details = (await fourth.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("error_data").GetProperty("details").GetString();

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("Webhooks:ManagementCallsPerHour = 3", details, StringComparison.Ordinal);
        Assert.Equal(3, Meta.CallsInLastHour(Waba, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task MetasUsageHeadersAtTheLimit_HoldTheNextCalls()
    {
        // Meta counts two calls an hour as 100 %: start-up's list (50 %) and subscribe (100 %) reach it.
        _simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.ManagementCallsPerHour = 2;
        await StartSiloAsync();
        var subscription = await UntilSubscriptionAsync("subscribed");

        using var refresh = await _client.GetAsync(new Uri($"v1/wabas/{Waba}/subscription?refresh=true", UriKind.Relative), Ct);
        var details = (await refresh.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("error_data").GetProperty("details").GetString();

        Assert.Equal(100, subscription.GetProperty("usage_percent").GetInt32());
        Assert.True(subscription.TryGetProperty("held_until", out _));
        Assert.Equal(HttpStatusCode.TooManyRequests, refresh.StatusCode);
        Assert.Contains("usage headers reported 100%", details, StringComparison.Ordinal);
        Assert.Equal(2, Meta.CallsInLastHour(Waba, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task AnOverrideCallback_IsVerifiedByMeta_AndAWrongTokenIsRefusedWithMetasError()
    {
        await StartSiloAsync();
        await UntilSubscriptionAsync("subscribed");
        var callback = new Uri(KestrelApp.AddressOf(_silo!), "webhooks/whatsapp").AbsoluteUri;

        using var wrong = await _client.PutAsJsonAsync($"v1/wabas/{Waba}/subscription", new { override_callback_uri = callback, verify_token = "not-the-token" }, Ct);
        var wrongError = (await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        using var right = await _client.PutAsJsonAsync($"v1/wabas/{Waba}/subscription", new { override_callback_uri = callback, verify_token = VerifyToken }, Ct);
        var subscription = await right.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = await SendAsync("16505550403");

        Assert.Equal((HttpStatusCode.BadRequest, 2200), (wrong.StatusCode, wrongError.GetProperty("code").GetInt32()));
        Assert.Equal((HttpStatusCode.OK, "subscribed", callback), (right.StatusCode, subscription.GetProperty("status").GetString(), subscription.GetProperty("override_callback_uri").GetString()));
        Assert.Equal(callback, Meta.Of(Waba, subscribedByDefault: false).Override?.AbsoluteUri);
        Assert.Equal("read", (await UntilMessageStatusAsync(id, "read")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"override_callback_uri":"ftp://example.com/hook","verify_token":"t"}""", "override_callback_uri must be an absolute https URL")]
    [InlineData("""{"override_callback_uri":"https://example.com/hook"}""", "verify_token is required with override_callback_uri")]
    [InlineData("""{"verify_token":"t"}""", "verify_token is only used with override_callback_uri")]
    [InlineData("""{"override_callback_uri":42}""", "override_callback_uri must be a string")]
    public async Task ABadSubscriptionBody_IsRefusedNamingTheField(string body, string expected)
    {
        await StartSiloAsync();

        using var response = await _client.PutAsync(new Uri($"v1/wabas/{Waba}/subscription", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");

        Assert.Equal((HttpStatusCode.BadRequest, 100), (response.StatusCode, error.GetProperty("code").GetInt32()));
        Assert.Contains(expected, error.GetProperty("error_data").GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("waba-7")]
    [InlineData("1000000000000x1")]
    public async Task AWabaIdThatIsNotMetasNumericId_IsRefusedNamingTheField(string wabaId)
    {
        await StartSiloAsync();

        using var subscription = await _client.PutAsync(new Uri($"v1/wabas/{wabaId}/subscription", UriKind.Relative), null, Ct);
        using var number = await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { waba_id = wabaId }, Ct);
        var errors = new[] { await subscription.Content.ReadFromJsonAsync<JsonElement>(Ct), await number.Content.ReadFromJsonAsync<JsonElement>(Ct) }
            .Select(e => e.GetProperty("error").GetProperty("error_data").GetProperty("details").GetString());

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (subscription.StatusCode, number.StatusCode));
        Assert.All(errors, details => Assert.Equal("waba_id must be Meta's numeric id (digits only).", details));
        Assert.Equal(0, Meta.CallsInLastHour(wabaId, DateTimeOffset.UtcNow));
    }

    private async Task StartSiloAsync(params string[] settings)
    {
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address,
        [
            "--Webhooks:AppSecret", Secret,
            "--Webhooks:VerifyToken", VerifyToken,
            "--Webhooks:AppId", SubscriptionEndpoints.App.Id!,
            "--Templates:WabaIds:0", Waba,
            .. settings,
        ]);
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
        using var configured = await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { waba_id = Waba }, Ct);
        configured.EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> UntilSubscriptionAsync(string status)
    {
        JsonElement subscription = default;
        await Eventually.UntilAsync(async () =>
        {
            subscription = await _client.GetFromJsonAsync<JsonElement>($"v1/wabas/{Waba}/subscription", Ct);
            return subscription.GetProperty("status").GetString() == status;
        }, TimeSpan.FromSeconds(30));
        return subscription;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ReadinessAsync()
    {
        using var response = await _client.GetAsync(new Uri("readyz", UriKind.Relative), Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private async Task<JsonElement> UntilReadinessAsync(string status)
    {
        JsonElement body = default;
        await Eventually.UntilAsync(async () =>
        {
            body = (await ReadinessAsync()).Body;
            return body.GetProperty("checks").GetProperty("webhook_subscriptions").GetProperty("status").GetString() == status;
        }, TimeSpan.FromSeconds(30));
        return body;
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
