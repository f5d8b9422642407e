using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using WaDispatch.Grains.Messages;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>Status callbacks on a real silo: signed, one per status change, retried until the receiver takes them.</summary>
public sealed class CallbacksEndToEndTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string Secret = "callback-secret-for-tests";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebhookReceiver _receiver = null!;
    private WebApplication _silo = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = "e2e-secret";
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        _receiver = await WebhookReceiver.StartAsync();
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, "--Webhooks:AppSecret", "e2e-secret", "--Callbacks:Secret", Secret, "--Callbacks:MaxRetryDelay", "00:00:01");
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _receiver.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task AMessagesStatusChanges_ArePostedSigned_OncePerChange_EvenWhenTheReceiverFailsAtFirst()
    {
        _receiver.FailNext(2);
        var response = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, callback_url = _receiver.Url, message = Template("16505550201") }, Ct);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();

        var events = new List<JsonElement>();
        // Retries may put a later change first, as Meta's own webhooks may: wait for both.
        while (!(events.Any(e => e.GetProperty("status").GetString() == "sent") && events.Any(e => e.GetProperty("status").GetString() == "delivered")))
        {
            var callback = await _receiver.NextAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(CallbackSender.Sign(callback.Body, Secret), callback.Signature);
            events.Add(JsonDocument.Parse(callback.Body).RootElement);
        }

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("message_id").GetString()));
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("status").GetString()).Distinct().Count());
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("event_id").GetInt64()).Distinct().Count());
        Assert.All(events, e => Assert.StartsWith("wamid.", e.GetProperty("wamid").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACampaignsCallbacks_NameTheCampaignAndEachRecipient()
    {
        var audience = new[] { new { to = "+16505550211" }, new { to = "+16505550212" } };
        var created = await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, callback_url = _receiver.Url, template = new { name = "hello_world", language = new { code = "en_US" } }, audience }, Ct);
        var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();

        var sent = new HashSet<string>();
        while (sent.Count < 2)
        {
            var callback = JsonDocument.Parse((await _receiver.NextAsync(TimeSpan.FromSeconds(20))).Body).RootElement;
            Assert.Equal(campaignId, callback.GetProperty("campaign_id").GetString());
            if (callback.GetProperty("status").GetString() == "sent")
            {
                sent.Add(callback.GetProperty("to").GetString()!);
            }
        }

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["16505550211", "16505550212"], sent.Order());
    }

    [Fact]
    public async Task ABadCallbackUrl_IsRefused_NamingTheField()
    {
        var response = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, callback_url = "ftp://example.com/x", message = Template("16505550221") }, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("callback_url must be an absolute http or https URL.", problem.GetProperty("detail").GetString());
    }

    private static object Template(string to) => new { messaging_product = "whatsapp", to, type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } };
}
