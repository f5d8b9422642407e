using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// Campaigns on a real silo with the simulator as Meta: audiences inline, as NDJSON or CSV; every recipient
/// reached once through pauses, resumes and restarts; exact counts; a template Meta pauses pauses its campaigns.
/// </summary>
public sealed class CampaignsEndToEndTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string Waba = "100000000000001";
    private const string Secret = "campaign-secret";
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
    public async Task ACampaign_ReachesEachRecipientOnce_SkipsWithReasons_AndCompletesWithExactCounts()
    {
        var recipients = Enumerable.Range(0, 25).Select(i => $"+1 650 555 {i:D4}").ToList();
        await _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRecipientGrain>(RecipientKey.Of(Number, "16505550003")).RecordMarketingPreferenceAsync(stopped: true, DateTimeOffset.UtcNow);
        var audience = recipients.Select(to => (object)new { to, name = "Ada", off = "20%" })
            .Append(new { to = recipients[5], name = "Again", off = "1%" }) // the same recipient twice
            .Append(new { to = "not a number", name = "X", off = "1%" }) // invalid
            .Append(new { to = "+16505559999", name = "No discount" }) // a value missing: invalid
            .ToList();

        var created = await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, category = "MARKETING", template = SpringSale(), audience }, Ct);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = answer.GetProperty("id").GetString()!;
        var done = await UntilAsync(id, "completed");
        var counts = done.GetProperty("counts");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal((25, 25), (answer.GetProperty("preflight").GetProperty("requested").GetInt32(), answer.GetProperty("preflight").GetProperty("fits_now").GetInt32()));
        Assert.Equal((28, 25), (counts.GetProperty("rows").GetInt32(), counts.GetProperty("recipients").GetInt32()));
        Assert.Equal(24, counts.GetProperty("sent").GetInt64());
        Assert.Equal(0, counts.GetProperty("pending").GetInt64());
        Assert.Equal(
            new Dictionary<string, long> { ["duplicate"] = 1, ["invalid"] = 2, ["opted_out"] = 1 },
            counts.GetProperty("skipped").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()));
        Assert.Equal(24, Meta.Ledger(Number).Count);
        Assert.All(Meta.Ledger(Number).GroupBy(e => e.WaId), g => Assert.Single(g));
        Assert.DoesNotContain(Meta.Ledger(Number), e => e.WaId == "16505550003");
    }

    [Fact]
    public async Task PauseAndResume_StopTheSending_AndNeverSkipOrDoubleARecipient()
    {
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 20 }, Ct)).EnsureSuccessStatusCode();
        var csv = new StringBuilder("to,name,off\n");
        for (var i = 0; i < 120; i++)
        {
            csv.Append(CultureInfoInvariant($"+1650556{i:D4},\"Ada, {i}\",{i}%\n"));
        }

        var id = await CreateMultipartAsync(csv.ToString(), "audience.csv", "text/csv");
        await Eventually.UntilAsync(() => Meta.Ledger(Number).Count >= 15);
        var paused = await _client.PostAsync(new Uri($"v1/campaigns/{id}/pause", UriKind.Relative), null, Ct);
        var atPause = Meta.Ledger(Number).Count;
        // The window already in the lane (about 2 s of the tier) drains; then nothing more leaves.
        var settled = await Eventually.SettledAsync(() => Meta.Ledger(Number).Count, quiet: TimeSpan.FromSeconds(2));
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var stillPaused = Meta.Ledger(Number).Count;
        var view = await GetAsync(id);

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal(("paused", "Paused by request."), (view.GetProperty("status").GetString(), view.GetProperty("pause_reason").GetString()));
        Assert.Equal(settled, stillPaused);
        Assert.InRange(settled - atPause, 0, 60);
        Assert.True(settled < 120, "paused before the end");

        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 1000 }, Ct)).EnsureSuccessStatusCode();
        var resumed = await _client.PostAsync(new Uri($"v1/campaigns/{id}/resume", UriKind.Relative), null, Ct);
        var done = await UntilAsync(id, "completed");
        using var pauseDone = await _client.PostAsync(new Uri($"v1/campaigns/{id}/pause", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(120, done.GetProperty("counts").GetProperty("sent").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, pauseDone.StatusCode);
        Assert.Contains($"Campaign {id} is completed; this needs it", await pauseDone.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(120, Meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());
        Assert.Equal(120, Meta.Ledger(Number).Count);
    }

    [Fact]
    public async Task ARestartMidCampaign_EndsWithEveryRecipientExactlyOnce()
    {
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 40 }, Ct)).EnsureSuccessStatusCode();
        var ndjson = string.Concat(Enumerable.Range(0, 300).Select(i => JsonSerializer.Serialize(new { to = $"+1650557{i:D4}", name = $"N{i}", off = i }) + "\n"));
        var id = await CreateMultipartAsync(ndjson, "audience.ndjson", "application/x-ndjson");
        await Eventually.UntilAsync(() => Meta.Ledger(Number).Count >= 40);

        await StopSiloAsync();
        var beforeRestart = Meta.Ledger(Number).Count;
        await StartSiloAsync();
        (await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 1000 }, Ct)).EnsureSuccessStatusCode();
        var done = await UntilAsync(id, "completed");
        var counts = done.GetProperty("counts");
        var unknown = counts.GetProperty("failed").TryGetProperty("-1", out var n) ? n.GetInt64() : 0;

        Assert.True(beforeRestart < 300, "the restart came mid-campaign");
        Assert.All(Meta.Ledger(Number).GroupBy(e => e.WaId), g => Assert.Single(g));
        Assert.True(300 == counts.GetProperty("sent").GetInt64() + unknown, counts.ToString());
        Assert.InRange(Meta.Ledger(Number).Count, 300 - unknown, 300);
        Assert.Equal(0, counts.GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task ATemplatePausedByMeta_PausesItsCampaign_WithTheReason()
    {
        await _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IPhoneNumberGrain>(Number).ConfigureAsync(new LaneConfiguration(2, null, null, null, Waba));
        (await _client.PostAsync(new Uri($"v1/templates/sync?waba_id={Waba}", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();
        var audience = Enumerable.Range(0, 40).Select(i => new { to = $"+1650558{i:D4}", name = "Ada" });
        var created = await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, template = Welcome(), audience }, Ct);
        var campaign = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = campaign.GetProperty("id").GetString()!;
        await Eventually.UntilAsync(() => Meta.Ledger(Number).Count >= 2);

        (await _client.PutAsJsonAsync(new Uri(_simulator.Address, "_sim/templates/welcome/en_US"), new { status = "PAUSED" }, Ct)).EnsureSuccessStatusCode();
        var paused = await UntilAsync(id, "paused");

        Assert.Equal("UTILITY", campaign.GetProperty("category").GetString());
        Assert.Contains("Template welcome (en_US) is PAUSED", paused.GetProperty("pause_reason").GetString(), StringComparison.Ordinal);
        Assert.True(Meta.Ledger(Number).Count < 40);
    }

    [Fact]
    public async Task BadCampaigns_GetCloudApiShapedErrors_NamingTheProblem()
    {
        var template = SpringSale();
        var cases = new (HttpResponseMessage Response, HttpStatusCode Status, string Detail)[]
        {
            (await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, template }, Ct), HttpStatusCode.BadRequest, "audience is required"),
            (await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, audience = new[] { new { to = "+16505550001" } } }, Ct), HttpStatusCode.BadRequest, "template is required"),
            (await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, template, audience = new[] { new { to = "+16505550001" } } }, Ct), HttpStatusCode.BadRequest, "a value for name, off missing"),
            (await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, template, priority = "urgent", audience = new[] { new { to = "+16505550001", name = "A", off = "1" } } }, Ct), HttpStatusCode.BadRequest, "priority must be normal or high"),
            (await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, template, expires_at = "2020-01-01T00:00:00Z", audience = new[] { new { to = "+16505550001", name = "A", off = "1" } } }, Ct), HttpStatusCode.BadRequest, "must be after now"),
            (await PostMultipartAsync("name,off\nAda,1\n", "audience.csv", "text/csv"), HttpStatusCode.BadRequest, "has no 'to' column"),
            (await _client.GetAsync(new Uri("v1/campaigns/nope", UriKind.Relative), Ct), HttpStatusCode.NotFound, "No campaign has id nope"),
        };

        foreach (var (response, status, detail) in cases)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(detail, body.GetProperty("error").GetProperty("error_data").GetProperty("details").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(Meta.Ledger(Number));
    }

    private async Task StartSiloAsync()
    {
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, "--Webhooks:AppSecret", Secret, "--Budgets:DefaultTier", "TIER_1K");
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    private async Task StopSiloAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
    }

    private async Task<string> CreateMultipartAsync(string audience, string fileName, string contentType)
    {
        using var response = await PostMultipartAsync(audience, fileName, contentType);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> PostMultipartAsync(string audience, string fileName, string contentType)
    {
        using var form = new MultipartFormDataContent();
        form.Add(JsonContent.Create(new { phone_number_id = Number, category = "MARKETING", template = SpringSale() }), "campaign");
        var file = new StringContent(audience, Encoding.UTF8);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "audience", fileName);
        return await _client.PostAsync(new Uri("v1/campaigns", UriKind.Relative), form, Ct);
    }

    private async Task<JsonElement> GetAsync(string id) => await _client.GetFromJsonAsync<JsonElement>($"v1/campaigns/{id}", Ct);

    private async Task<JsonElement> UntilAsync(string id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var campaign = await GetAsync(id);
            if (campaign.GetProperty("status").GetString() == status)
            {
                return campaign;
            }

            Assert.True(DateTime.UtcNow < deadline, $"campaign {id} is still {campaign.GetProperty("status")}, not {status}: {campaign.GetProperty("counts")}");
            await Task.Delay(50, Ct);
        }
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static object SpringSale() => new
    {
        name = "spring_sale",
        language = new { code = "en_US" },
        components = new[] { new { type = "body", parameters = new[] { new { type = "text", text = "{{name}}" }, new { type = "text", text = "{{off}}" } } } },
    };

    private static object Welcome() => new
    {
        name = "welcome",
        language = new { code = "en_US" },
        components = new[] { new { type = "body", parameters = new[] { new { type = "text", text = "{{name}}" } } } },
    };
}
