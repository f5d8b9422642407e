using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>A silo at Debug level, through refusals, sends, webhooks and callbacks: no secret in any log line.</summary>
public sealed class SecretsInLogsTests
{
    private const string AccessToken = "access-token-SECRET-1f2e3d";
    private const string AppSecret = "app-secret-SECRET-4c5b6a";
    private const string ApiKey = "api-key-SECRET-7d8e9f0a1b";
    private const string CallbackSecret = "callback-secret-SECRET-2c3d";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoSecret_AppearsInTheLogs()
    {
        using var file = new TempSqliteFile();
        await using var simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AccessToken = AccessToken;
            o.AppSecret = AppSecret;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        var logs = new ConcurrentQueue<string>();
        await using var silo = TestSilo.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--Storage:ConnectionString", file.ConnectionString,
            "--Simulator:Enabled", "false",
            "--CloudApi:BaseAddress", simulator.Address.ToString(),
            "--CloudApi:AccessToken", AccessToken,
            "--Webhooks:AppSecret", AppSecret,
            "--Api:Keys:ops", ApiKey,
            "--Callbacks:Secret", CallbackSecret,
            "--Logging:LogLevel:Default", "Debug",
        ], builder => builder.Logging.AddProvider(new LogCapture(logs)));
        await silo.StartAsync(Ct);
        TestSilo.SendWebhooksTo(simulator, silo);
        using var client = new HttpClient { BaseAddress = KestrelApp.AddressOf(silo) };

        // Refused without the key, then with it: a message with a callback to nowhere, and a forged webhook.
        (await client.GetAsync(new Uri("v1/messages/x", UriKind.Relative), Ct)).Dispose();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var message = new { messaging_product = "whatsapp", to = "16505550601", type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } };
        var accepted = await (await client.PostAsJsonAsync("v1/messages", new { phone_number_id = "106540352242922", callback_url = "http://127.0.0.1:9/nowhere", message }, Ct)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        forged.Headers.Add(WebhookSignature.HeaderName, "sha256=" + new string('0', 64));
        (await client.SendAsync(forged, Ct)).Dispose();
        var id = accepted.GetProperty("id").GetString();
        await Eventually.UntilAsync(async () => (await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"v1/messages/{id}", Ct)).GetProperty("status").GetString() is "delivered" or "read", TimeSpan.FromSeconds(20));
        await silo.StopAsync(Ct);

        var text = string.Join('\n', logs);
        Assert.True(logs.Count > 20, "the silo logged at Debug level");
        Assert.Contains("API keys configured: ops", text, StringComparison.Ordinal);
        foreach (var secret in new[] { AccessToken, AppSecret, ApiKey, CallbackSecret })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
