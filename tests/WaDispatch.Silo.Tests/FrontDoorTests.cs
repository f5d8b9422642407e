using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>The front door's guards on a real silo: API keys, the per-key rate limit, size limits, and the shape of its errors.</summary>
public sealed class FrontDoorTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string BillingKey = "billing-key-0123456789abcdef";
    private const string CrmKey = "crm-key-0123456789abcdef-crm";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication? _silo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _simulator = await SimulatorServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync(Ct);
            await _silo.DisposeAsync();
        }

        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task WithKeysConfigured_OnlyABearerKeyOpensTheApi_AndWebhooksAndHealthStayOpen()
    {
        using var client = await StartAsync("--Api:Keys:billing", BillingKey);

        var none = await client.GetAsync(new Uri("v1/messages/x", UriKind.Relative), Ct);
        var wrong = await SendAsync(client, HttpMethod.Get, "v1/messages/x", "not-the-key-0123456789");
        var compatible = await SendAsync(client, HttpMethod.Post, $"v21.0/{Number}/messages", null);
        var right = await SendAsync(client, HttpMethod.Get, "v1/messages/x", BillingKey);
        var health = await client.GetAsync(new Uri("healthz", UriKind.Relative), Ct);
        var webhook = await client.GetAsync(new Uri("webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1", UriKind.Relative), Ct);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none.StatusCode, wrong.StatusCode, compatible.StatusCode));
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(190, (await ErrorOf(none)).GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, webhook.StatusCode);
    }

    [Fact]
    public async Task EachKeyHasItsOwnRateLimit_AnsweredWith429AndRetryAfter()
    {
        using var client = await StartAsync("--Api:Keys:billing", BillingKey, "--Api:Keys:crm", CrmKey, "--Api:RequestsPerSecond", "10", "--Api:Burst", "3");

        var billing = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            billing.Add(await SendAsync(client, HttpMethod.Get, "v1/messages/x", BillingKey));
        }

        var crm = await SendAsync(client, HttpMethod.Get, "v1/messages/x", CrmKey);
        var limited = billing.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();

        Assert.NotEmpty(limited);
        Assert.True(billing.Count(r => r.StatusCode == HttpStatusCode.NotFound) >= 3);
        Assert.Equal(4, (await ErrorOf(limited[0])).GetProperty("code").GetInt32());
        Assert.NotNull(limited[0].Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.NotFound, crm.StatusCode);
    }

    [Fact]
    public async Task ErrorsOnV1_AreProblemDetailsCarryingTheCloudApiError_AndOnMetasRoute_MetasShape()
    {
        using var client = await StartAsync("--Api:MaxRequestBytes", "2048");

        var tooLarge = await client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = new { to = "16505551234", type = "text", text = new { body = new string('x', 4000) } } }, Ct);
        var graph = await client.PostAsync(new Uri($"v21.0/{Number}/messages", UriKind.Relative), JsonContent.Create(new { to = "16505551234", type = "text" }), Ct);
        var problem = await tooLarge.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var meta = await graph.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("larger than the limit of 2048 bytes (Api:MaxRequestBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(problem.GetProperty("detail").GetString(), problem.GetProperty("error").GetProperty("error_data").GetProperty("details").GetString());
        Assert.Equal("application/json", graph.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["error"], meta.EnumerateObject().Select(p => p.Name));
        Assert.Equal(131008, meta.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task IdempotencyKeys_AreScopedByApiKey()
    {
        using var client = await StartAsync("--Api:Keys:billing", BillingKey, "--Api:Keys:crm", CrmKey);
        var body = new { phone_number_id = Number, message = new { messaging_product = "whatsapp", to = "16505551234", type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } } };

        var first = await PostWithKeyAsync(client, body, BillingKey);
        var other = await PostWithKeyAsync(client, body, CrmKey);
        var again = await PostWithKeyAsync(client, body, BillingKey);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.OK), (first.StatusCode, other.StatusCode, again.StatusCode));
        var (firstId, otherId, againId) = (await IdOf(first), await IdOf(other), await IdOf(again));
        Assert.NotEqual(firstId, otherId);
        Assert.Equal(firstId, againId);
    }

    [Fact]
    public async Task AKeyTooShort_StopsTheSiloAtStartUp_NamingTheSettingButNotTheKey()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, "--Api:Keys:ops", "short-secret"));

        Assert.Contains("Api:Keys:ops is shorter than 16 characters", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesExactlyTheRoutesTheSiloServes()
    {
        using var client = await StartAsync();
        var document = await client.GetFromJsonAsync<JsonElement>("openapi.json", Ct);
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => $"{operation.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal);

        // Every route the silo maps, except the built-in simulator (Meta's surface, described by Meta), gRPC's (described by
        // its .proto files) and the Orleans dashboard's (its own pages and their data).
        var served = _silo!.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/simulator", StringComparison.Ordinal) && !raw.TrimStart('/').StartsWith("dashboard", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => $"{method} {Normalize(e.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.True(served.SequenceEqual(documented), $"served only: {string.Join("; ", served.Except(documented))}; documented only: {string.Join("; ", documented.Except(served))}");
    }

    /// <summary>A route pattern as OpenAPI writes paths: one leading slash, no trailing one, constraints dropped.</summary>
    private static string Normalize(string pattern) =>
        "/" + System.Text.RegularExpressions.Regex.Replace(pattern.Trim('/'), @"\{(\w+):[^}]*\}\}?", "{$1}");

    private async Task<HttpClient> StartAsync(params string[] settings)
    {
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, settings);
        return new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? key)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("Idempotency-Key", "same-key");
        return await client.SendAsync(request, Ct);
    }

    private static async Task<string?> IdOf(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
}
