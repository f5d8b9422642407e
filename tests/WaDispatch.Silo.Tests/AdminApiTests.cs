using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>The admin API of lanes and budgets, through the test server.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
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
            .UseSetting("CloudApi:AccessTokens:campaigns", "secret"));
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
    public async Task APhoneNumberNeverConfigured_HasALaneAtTheDefaultTier()
    {
        var lane = await GetJsonAsync("v1/phone-numbers/106540352242922");

        Assert.Equal(80, lane.GetProperty("throughput_mps").GetInt32());
        Assert.True(lane.GetProperty("throughput_is_default").GetBoolean());
        Assert.Equal("running", lane.GetProperty("status").GetString());
        Assert.Equal(0, lane.GetProperty("queued").GetProperty("bulk").GetInt32());
    }

    [Fact]
    public async Task PutPhoneNumber_SetsTierBusinessDisplayNumberAndToken_AndGetShowsThem()
    {
        var put = await _client.PutAsJsonAsync(
            "v1/phone-numbers/106540352242922",
            new { throughput_mps = 250, business_id = "1234567890", display_phone_number = "+1 555-0100", token_reference = "campaigns" },
            Ct);
        var lane = await GetJsonAsync("v1/phone-numbers/106540352242922");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(
            (250, false, "1234567890", "+1 555-0100", "campaigns", 243.75),
            (lane.GetProperty("throughput_mps").GetInt32(), lane.GetProperty("throughput_is_default").GetBoolean(), lane.GetProperty("business_id").GetString(),
                lane.GetProperty("display_phone_number").GetString(), lane.GetProperty("token_reference").GetString(), lane.GetProperty("paced_mps").GetDouble()));
    }

    [Theory]
    [InlineData("""{"throughput_mps": 0}""", "throughput_mps must be between 1 and 100000 messages per second; got 0.")]
    [InlineData("""{"throughput_mps": 100001}""", "throughput_mps must be between 1 and 100000 messages per second; got 100001.")]
    [InlineData("""{"throughput_mps": "fast"}""", "throughput_mps must be a whole number of messages per second between 1 and 100000.")]
    [InlineData("""{"throughput_mps": 80, "token_reference": "nope"}""", "token_reference 'nope' names no configured token: set CloudApi:AccessTokens:nope, or leave token_reference out to use the number's own or the default token.")]
    [InlineData("""{"business_id": "a b"}""", "business_id may contain only letters, digits, '-', '_' and '.'.")]
    [InlineData("""{"throughput_mps": 80""", "The request body is not valid JSON (line 1, byte 22).")]
    public async Task PutPhoneNumber_WithBadInput_Answers400InTheCloudApiShape_NamingTheFieldAndLimit(string body, string details)
    {
        var (status, code, actual) = await SendAsync(HttpMethod.Put, "v1/phone-numbers/106540352242922", body);

        Assert.Equal((HttpStatusCode.BadRequest, 100, details), (status, code, actual));
    }

    [Fact]
    public async Task APhoneNumberIdTooLong_IsRefused_NamingTheLimit()
    {
        var (status, code, details) = await SendAsync(HttpMethod.Get, "v1/phone-numbers/" + new string('1', 65), null);

        Assert.Equal((HttpStatusCode.BadRequest, 100, "phone_number_id is 65 characters long; the limit is 64."), (status, code, details));
    }

    [Fact]
    public async Task PutBusiness_SetsTierAndScope_AndGetShowsTheBudget()
    {
        var put = await _client.PutAsJsonAsync("v1/businesses/1234567890", new { messaging_limit_tier = "TIER_2K", scope = "phone_number" }, Ct);
        var business = await GetJsonAsync("v1/businesses/1234567890");
        var fresh = await GetJsonAsync("v1/businesses/999");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(("TIER_2K", 2000, "phone_number"), (business.GetProperty("messaging_limit_tier").GetString(), business.GetProperty("capacity").GetInt32(), business.GetProperty("scope").GetString()));
        Assert.Equal(("TIER_250", true, "business"), (fresh.GetProperty("messaging_limit_tier").GetString(), fresh.GetProperty("messaging_limit_tier_is_default").GetBoolean(), fresh.GetProperty("scope").GetString()));
        var budget = Assert.Single(fresh.GetProperty("budgets").EnumerateArray().ToList());
        Assert.Equal((0, 250), (budget.GetProperty("used").GetInt32(), budget.GetProperty("remaining").GetInt32()));
    }

    [Fact]
    public async Task PutBusiness_SetsItsOwnOptOutKeywords()
    {
        var put = await _client.PutAsJsonAsync("v1/businesses/77", new { opt_out_keywords = new[] { "BASTA", "ALTO" }, opt_in_keywords = new[] { "VOLVER" } }, Ct);
        var keywords = (await GetJsonAsync("v1/businesses/77")).GetProperty("keywords");
        var (status, _, details) = await SendAsync(HttpMethod.Put, "v1/businesses/77", """{"opt_out_keywords": ["STOP"], "opt_in_keywords": ["stop"]}""");
        var (againstDefault, _, againstDefaultDetails) = await SendAsync(HttpMethod.Put, "v1/businesses/77", """{"opt_in_keywords": ["Quit"]}""");
        await _client.PutAsJsonAsync("v1/businesses/78", new { opt_out_keywords = new[] { " STOP ", "stop", "Basta" } }, Ct);
        var cleaned = (await GetJsonAsync("v1/businesses/78")).GetProperty("keywords").GetProperty("opt_out");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(["BASTA", "ALTO"], keywords.GetProperty("opt_out").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "'STOP' is both an opt-out and an opt-in keyword."), (status, details));
        Assert.Equal((HttpStatusCode.BadRequest, "'QUIT' is both an opt-out and an opt-in keyword."), (againstDefault, againstDefaultDetails));
        Assert.Equal(["STOP", "Basta"], cleaned.EnumerateArray().Select(k => k.GetString()));
    }

    [Theory]
    [InlineData("""{"messaging_limit_tier": "TIER_3K"}""", "messaging_limit_tier must be one of TIER_50, TIER_250, TIER_1K, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED.")]
    [InlineData("""{"messaging_limit_tier": "TIER_1K", "scope": "galaxy"}""", "scope must be business (one budget for the portfolio) or phone_number (one per number).")]
    [InlineData("""{"messaging_limit_tier": 99}""", "messaging_limit_tier must be one of TIER_50, TIER_250, TIER_1K, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED.")]
    [InlineData("""{"scope": 7}""", "scope must be business (one budget for the portfolio) or phone_number (one per number).")]
    public async Task PutBusiness_WithBadInput_Answers400_NamingTheFieldAndItsValues(string body, string details)
    {
        var (status, code, actual) = await SendAsync(HttpMethod.Put, "v1/businesses/1234567890", body);

        Assert.Equal((HttpStatusCode.BadRequest, 100, details), (status, code, actual));
    }

    [Fact]
    public async Task Preflight_SaysHowManyFitNow()
    {
        await _client.PutAsJsonAsync("v1/businesses/42", new { messaging_limit_tier = "TIER_1K" }, Ct);

        var preflight = await GetJsonAsync("v1/businesses/42/preflight?phone_number_id=106540352242922&recipients=1500");
        var (status, _, details) = await SendAsync(HttpMethod.Get, "v1/businesses/42/preflight?phone_number_id=106540352242922&recipients=-1", null);

        Assert.Equal((1500, 1000), (preflight.GetProperty("requested").GetInt32(), preflight.GetProperty("fits_now").GetInt32()));
        Assert.Equal((HttpStatusCode.BadRequest, "recipients must be a whole number between 0 and 100000000."), (status, details));
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
    }

    private async Task<(HttpStatusCode Status, int Code, string Details)> SendAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(request, Ct);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        return (response.StatusCode, error.GetProperty("code").GetInt32(), error.GetProperty("error_data").GetProperty("details").GetString()!);
    }
}
