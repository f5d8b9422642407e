using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Storage;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// Every route against what a careless or hostile client sends: invalid Unicode (unpaired surrogate escapes), NUL
/// characters, huge strings and numbers, wrong types, truncated bodies, odd content types, broken multipart, unknown
/// routes and methods. Each answer is a Cloud API-shaped error naming what is wrong — never a 500 — and a campaign
/// whose creation failed leaves no rows behind. On every storage vendor: PostgreSQL refuses what SQLite stores.
/// </summary>
public abstract class HostileInputTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string Secret = "hostile-secret";
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<string[]> CreateStorageAsync();

    protected abstract StorageOptions StorageOptions { get; }

    protected abstract Task DropStorageAsync();

    public async ValueTask InitializeAsync()
    {
        var storage = await CreateStorageAsync();
        _simulator = await SimulatorServer.StartAsync(o => o.AppSecret = Secret);
        _silo = await TestSilo.StartAsync(string.Empty, _simulator.Address, [.. storage, "--Webhooks:AppSecret", Secret]);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        await DropStorageAsync();
        GC.SuppressFinalize(this);
    }

    public static TheoryData<string> JsonRoutes => ["v1/messages", "v1/messages/batch", $"v21.0/{Number}/messages", "v1/campaigns", $"v1/phone-numbers/{Number}", "v1/businesses/biz-h"];

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task EveryStringAndNumber_ReplacedByHostileValues_IsAnsweredWithoutA500(string route)
    {
        var failures = new List<string>();
        foreach (var body in Mutations(ValidBody(route)))
        {
            using var response = await SendJsonAsync(route, body);
            await CheckAsync(response, $"{route} {Shorten(body)}", failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task TruncatedBodies_OddContentTypes_AndOddJson_AreAnsweredWithoutA500(string route)
    {
        var failures = new List<string>();
        var valid = ValidBody(route).ToJsonString();
        var bodies = Enumerable.Range(1, 12).Select(i => valid[..(valid.Length * i / 13)])
            .Concat(["", "null", "[]", "\"text\"", "42", "{", "{\"a\":", new string('[', 5000) + new string(']', 5000), "{\"messaging_product\":\"\\ud800\"}", "\u0000"]);
        foreach (var body in bodies)
        {
            using var response = await SendJsonAsync(route, body);
            await CheckAsync(response, $"{route} {Shorten(body)}", failures);
        }

        foreach (var contentType in new[] { "text/plain", "application/xml", "multipart/form-data", "multipart/form-data; boundary=", "application/x-www-form-urlencoded", "application/json; charset=utf-16" })
        {
            using var request = new HttpRequestMessage(Method(route), route) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(valid)) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var response = await _client.SendAsync(request, Ct);
            await CheckAsync(response, $"{route} as {contentType}", failures);
        }

        using var none = new HttpRequestMessage(Method(route), route) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(valid)) };
        using var noType = await _client.SendAsync(none, Ct);
        await CheckAsync(noType, $"{route} without a content type", failures);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ACampaignUpload_WithBadLinesAnywhere_SkipsThemAsInvalid_AndKeepsTheRest()
    {
        var lines = new List<string>();
        for (var i = 0; i < 1500; i++)
        {
            lines.Add($$"""{"to":"+1650555{{i:D4}}","name":"Ada"}""");
        }

        lines.Insert(700, """{"to":"+16505559990","name":"\ud800"}""");
        lines.Insert(800, """{"to":"+16505559991","name":"a\u0000b"}""");
        lines.Insert(900, """{"to":"12345","name":"too short for E.164"}""");
        lines.Insert(1000, """{"to":"+1234567890123456","name":"16 digits: too long"}""");
        lines.Insert(1100, """{"to":"+16505559992","name":"\udc00"}""");
        var response = await UploadAsync(string.Join('\n', lines), "audience.ndjson", "application/x-ndjson");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        var counts = body.GetProperty("counts");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((1505, 1500), (counts.GetProperty("rows").GetInt32(), counts.GetProperty("recipients").GetInt32()));
        Assert.Equal(5, counts.GetProperty("skipped").GetProperty("invalid").GetInt64());
    }

    [Fact]
    public async Task AMalformedMultipartUpload_IsA400_AndLeavesNoRowsBehind()
    {
        var audience = string.Join('\n', Enumerable.Range(0, 2500).Select(i => $$"""{"to":"+1650555{{i:D4}}","name":"Ada"}"""));
        var definition = JsonSerializer.Serialize(new { phone_number_id = Number, template = Template("{{name}}") });
        var multipart = $"--b1\r\nContent-Disposition: form-data; name=\"campaign\"\r\nContent-Type: application/json\r\n\r\n{definition}\r\n--b1\r\nContent-Disposition: form-data; name=\"audience\"; filename=\"a.ndjson\"\r\n\r\n{audience}\r\n--b1--\r\n";
        var failures = new List<string>();
        var bodies = new (string Body, string ContentType, string What)[]
        {
            (multipart, "multipart/form-data; boundary=other", "a boundary that does not match the header"),
            (multipart[..(multipart.Length * 2 / 3)], "multipart/form-data; boundary=b1", "a body cut short in the audience"),
            (multipart[..(multipart.Length / 20)], "multipart/form-data; boundary=b1", "a body cut short in the definition"),
            (multipart.Replace("\r\n", "\n", StringComparison.Ordinal), "multipart/form-data; boundary=b1", "bare line feeds"),
        };
        foreach (var (body, contentType, what) in bodies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/campaigns") { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using var response = await _client.SendAsync(request, Ct);
            await CheckAsync(response, what, failures);
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                failures.Add($"{what}: {(int)response.StatusCode}, not 400");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, await AudienceRowsAsync());
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("v1/campaigns", Ct)).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task TemplateNamesAndLanguageCodes_BeyondMetasLimits_AreRefusedOnEverySendRoute()
    {
        var longName = new string('a', 513);
        var failures = new List<string>();
        foreach (var (name, code, field) in new[] { (longName, "en_US", "template.name"), ("hello_world", new string('e', 16), "template.language.code") })
        {
            var message = new { messaging_product = "whatsapp", to = "+16505550001", type = "template", template = new { name, language = new { code } } };
            var answers = new[]
            {
                await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message }, Ct),
                await _client.PostAsJsonAsync($"v21.0/{Number}/messages", message, Ct),
                await _client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, template = new { name, language = new { code } }, audience = new[] { new { to = "+16505550001" } } }, Ct),
            };
            foreach (var answer in answers)
            {
                var text = await answer.Content.ReadAsStringAsync(Ct);
                if (answer.StatusCode != HttpStatusCode.BadRequest || !text.Contains(field, StringComparison.Ordinal))
                {
                    failures.Add($"{answer.RequestMessage!.RequestUri!.AbsolutePath} with a long {field}: {(int)answer.StatusCode} {Shorten(text)}");
                }
            }

            var batch = await (await _client.PostAsJsonAsync("v1/messages/batch", new { messages = new[] { new { phone_number_id = Number, message } } }, Ct)).Content.ReadAsStringAsync(Ct);
            if (!batch.Contains(field, StringComparison.Ordinal))
            {
                failures.Add($"batch with a long {field}: {Shorten(batch)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task SignedWebhooks_WithHostileValues_AreTakenWithoutA500()
    {
        var failures = new List<string>();
        var status = JsonNode.Parse("""{"object":"whatsapp_business_account","entry":[{"id":"1","time":1767225600,"changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.x","status":"delivered","timestamp":"1767225600","recipient_id":"16505550001","biz_opaque_callback_data":"wd1:0190000000007000800000000000c0de:x"}],"messages":[{"from":"16505550002","id":"wamid.in","timestamp":"1767225600","type":"text","text":{"body":"hi"}}]}}]}]}""")!;
        foreach (var body in Mutations(status).Concat(["{", "[]", "null", ""]))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
            using var response = await _client.SendAsync(request, Ct);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"webhook {Shorten(body)}: {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        using var ready = await _client.GetAsync(new Uri("readyz", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task UnknownRoutes_WrongMethods_AndOddIds_AreAnsweredCloudApiShaped()
    {
        var failures = new List<string>();
        var requests = new (HttpMethod Method, string Path, HttpStatusCode Expected)[]
        {
            (HttpMethod.Get, "v1/nothing-here", HttpStatusCode.NotFound),
            (HttpMethod.Get, "v1/messages", HttpStatusCode.MethodNotAllowed),
            (HttpMethod.Delete, "v1/campaigns", HttpStatusCode.MethodNotAllowed),
            (HttpMethod.Put, "v1/messages/x", HttpStatusCode.MethodNotAllowed),
            (HttpMethod.Get, "v1/messages/%ED%A0%80", HttpStatusCode.NotFound),
            (HttpMethod.Get, "v1/campaigns/%ED%A0%80", HttpStatusCode.NotFound),
            (HttpMethod.Get, "v1/messages/" + new string('x', 5000), HttpStatusCode.BadRequest),
            (HttpMethod.Get, "v1/phone-numbers/%ED%A0%80", HttpStatusCode.BadRequest),
            (HttpMethod.Get, "v1/businesses/%ED%A0%80", HttpStatusCode.BadRequest),
        };
        foreach (var (method, path, expected) in requests)
        {
            using var response = await _client.SendAsync(new HttpRequestMessage(method, path), Ct);
            await CheckAsync(response, $"{method} {Shorten(path)}", failures);
            if (response.StatusCode != expected)
            {
                failures.Add($"{method} {Shorten(path)}: {(int)response.StatusCode}, not {(int)expected}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // A NUL in the path is refused by Kestrel itself, before WaDispatch sees the request: a 400, never a 500.
        using var nul = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "v1/campaigns/%00"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
    }

    /// <summary>Each string leaf, in turn, as an unpaired surrogate, with a NUL, and 100,000 characters long; each number as 1e400, -1 and a string; each value as an object.</summary>
    private static IEnumerable<string> Mutations(JsonNode valid)
    {
        var leaves = new List<JsonNode>();
        Collect(valid, leaves);
        foreach (var leaf in leaves)
        {
            var path = leaf.GetPath();
            var kind = leaf.GetValueKind();
            var replacements = kind == JsonValueKind.String
                ? new[] { "\"\\ud800\"", "\"a\\u0000b\"", "\"\\udc00\\ud800\"", JsonSerializer.Serialize(new string('x', 100_000)), "{}", "12" }
                : ["1e400", "-1", "\"\\ud800\"", "{}", "true", "99999999999999999999999"];
            foreach (var replacement in replacements)
            {
                yield return Replace(valid.ToJsonString(), path, replacement);
            }
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, leaves);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Collect(child, leaves);
                    }
                }

                break;
            default:
                leaves.Add(node);
                break;
        }
    }

    /// <summary>The JSON text with the value at <paramref name="path"/> replaced by raw JSON text (which may hold escapes no JsonNode can).</summary>
    private static string Replace(string json, string path, string raw)
    {
        var root = JsonNode.Parse(json)!;
        const string Marker = "__hostile_marker__";
        var target = Find(root, path);
        var parent = target.Parent!;
        switch (parent)
        {
            case JsonObject obj:
                obj[target.GetPropertyName()] = Marker;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = Marker;
                break;
        }

        return root.ToJsonString().Replace($"\"{Marker}\"", raw, StringComparison.Ordinal);
    }

    private static JsonNode Find(JsonNode root, string path)
    {
        var leaves = new List<JsonNode>();
        Collect(root, leaves);
        return leaves.Single(l => l.GetPath() == path);
    }

    private static JsonObject ValidBody(string route)
    {
        var message = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["to"] = "+16505550001",
            ["type"] = "template",
            ["biz_opaque_callback_data"] = "cb",
            ["template"] = JsonNode.Parse(JsonSerializer.Serialize(Template("Ada"))),
        };
        return route switch
        {
            "v1/messages" => new JsonObject { ["phone_number_id"] = Number, ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O"), ["callback_url"] = "http://127.0.0.1:9/cb", ["message"] = message },
            "v1/messages/batch" => new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["phone_number_id"] = Number, ["message"] = message }) },
            "v1/campaigns" => new JsonObject
            {
                ["phone_number_id"] = Number,
                ["category"] = "UTILITY",
                ["priority"] = "high",
                ["start_at"] = DateTimeOffset.UtcNow.ToString("O"),
                ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
                ["biz_opaque_callback_data"] = "campaign",
                ["template"] = JsonNode.Parse(JsonSerializer.Serialize(Template("{{name}}"))),
                ["audience"] = new JsonArray(new JsonObject { ["to"] = "+16505550001", ["name"] = "Ada" }, new JsonObject { ["to"] = "+16505550002", ["name"] = "Bo" }),
            },
            var r when r.StartsWith("v1/phone-numbers", StringComparison.Ordinal) => new JsonObject { ["throughput_mps"] = 80, ["business_id"] = "biz-h", ["display_phone_number"] = "+1 555 0100", ["waba_id"] = "100000000000099", ["token_reference"] = "main" },
            var r when r.StartsWith("v1/businesses", StringComparison.Ordinal) => new JsonObject { ["messaging_limit_tier"] = "TIER_2K", ["scope"] = "business", ["opt_out_keywords"] = new JsonArray("STOP"), ["opt_in_keywords"] = new JsonArray("START") },
            _ => message,
        };
    }

    private static object Template(string name) => new
    {
        name = "welcome",
        language = new { code = "en_US" },
        components = new[] { new { type = "body", parameters = new[] { new { type = "text", text = name } } } },
    };

    private static HttpMethod Method(string route) => route.StartsWith("v1/phone-numbers", StringComparison.Ordinal) || route.StartsWith("v1/businesses", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post;

    private Task<HttpResponseMessage> SendJsonAsync(string route, string body) =>
        _client.SendAsync(new HttpRequestMessage(Method(route), route) { Content = new StringContent(body, Encoding.UTF8, "application/json") }, Ct);

    private async Task<HttpResponseMessage> UploadAsync(string audience, string fileName, string contentType)
    {
        using var form = new MultipartFormDataContent();
        form.Add(JsonContent.Create(new { phone_number_id = Number, template = Template("{{name}}") }), "campaign");
        var file = new StringContent(audience, Encoding.UTF8);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "audience", fileName);
        return await _client.PostAsync(new Uri("v1/campaigns", UriKind.Relative), form, Ct);
    }

    /// <summary>No 500, and an error answer is Cloud API-shaped: <c>error.code</c> and <c>error.error_data.details</c>.</summary>
    private static async Task CheckAsync(HttpResponseMessage response, string what, List<string> failures)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        if ((int)response.StatusCode >= 500)
        {
            failures.Add($"{what}: {(int)response.StatusCode} {Shorten(text)}");
            return;
        }

        if ((int)response.StatusCode < 400)
        {
            return;
        }

        try
        {
            using var body = JsonDocument.Parse(text);

            // A batch answers per item: each refused item carries its own Cloud API error.
            var error = body.RootElement.TryGetProperty("results", out var results)
                ? results.EnumerateArray().First(r => r.TryGetProperty("error", out _)).GetProperty("error")
                : body.RootElement.GetProperty("error");
            if (error.GetProperty("code").ValueKind != JsonValueKind.Number || error.GetProperty("error_data").GetProperty("details").GetString() is not { Length: > 0 })
            {
                failures.Add($"{what}: {(int)response.StatusCode} without code and details: {Shorten(text)}");
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            failures.Add($"{what}: {(int)response.StatusCode} not Cloud API-shaped: {Shorten(text)}");
        }
    }

    private async Task<long> AudienceRowsAsync()
    {
        await using var database = StorageDatabase.Create(StorageOptions);
        await using var lease = await database.OpenConnectionAsync(Ct);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM campaign_audience";
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Shorten(string text) => text.Length > 400 ? text[..300] + "…" + text[^100..] : text;
}

/// <summary>Hostile input on SQLite.</summary>
public sealed class SqliteHostileInputTests : HostileInputTests
{
    private readonly TempSqliteFile _file = new();

    protected override StorageOptions StorageOptions => new StorageOptions().UseSqlite(_file.ConnectionString);

    protected override Task<string[]> CreateStorageAsync() => Task.FromResult<string[]>(["--Storage:ConnectionString", _file.ConnectionString]);

    protected override Task DropStorageAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Hostile input on PostgreSQL.</summary>
public sealed class PostgresHostileInputTests : HostileInputTests
{
    private string? _connectionString;

    protected override StorageOptions StorageOptions => new StorageOptions().UsePostgres(_connectionString!);

    protected override async Task<string[]> CreateStorageAsync()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        _connectionString = await TestPostgres.CreateDatabaseAsync();
        return ["--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", _connectionString];
    }

    protected override async Task DropStorageAsync()
    {
        if (_connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(_connectionString);
        }
    }
}
