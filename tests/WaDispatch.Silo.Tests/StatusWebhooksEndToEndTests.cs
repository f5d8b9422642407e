using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Simulator;
using WaDispatch.Storage;
using WaDispatch.Storage.Messages;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// Status webhooks against the ledger, on every storage vendor: a status that does not apply changes nothing anywhere;
/// WaDispatch's own id travels to Meta in the callback data, so a send whose outcome a crash left unknown takes the
/// status Meta reports later.
/// </summary>
public abstract class StatusWebhooksEndToEndTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string Secret = "status-secret";
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CloudApiSimulator Meta => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    /// <summary>The storage settings of the silo under test (provider and connection string).</summary>
    protected abstract Task<string[]> CreateStorageAsync();

    /// <summary>The storage the silo uses, for writing what a crash leaves behind.</summary>
    protected abstract StorageOptions StorageOptions { get; }

    protected abstract Task DropStorageAsync();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = Secret;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
            o.ReadDelay = TimeSpan.FromMilliseconds(30);
        });
        await StartSiloAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopSiloAsync();
        await _simulator.DisposeAsync();
        await DropStorageAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task AFailedAfterRead_ChangesNothing_NotTheHistory_NorTheRecipient()
    {
        var id = await SendAsync("16505550301");
        var read = await UntilStatusAsync(id, "read");

        // Meta reports the message failed (another device of the user's, or a replay): the message was read.
        await PostSignedAsync(Status(read.GetProperty("wamid").GetString()!, "failed", "16505550301", error: 131026));
        await _silo.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
        var after = await GetAsync(id);
        var next = await UntilStatusAsync(await SendAsync("16505550301"), "read", "failed");

        Assert.Equal("read", after.GetProperty("status").GetString());
        Assert.DoesNotContain("failed", History(after));
        Assert.False(after.TryGetProperty("error", out _));
        Assert.Equal("read", next.GetProperty("status").GetString());
        Assert.Equal(2, Meta.Ledger(Number).Count(e => e.WaId == "16505550301"));
    }

    [Fact]
    public async Task ASentReportedAgainAfterRead_ChangesNothing_AndTheNextMessagesStatusesStillApply()
    {
        var id = await SendAsync("16505550304");
        var read = await UntilStatusAsync(id, "read");
        var sentAt = SentAt(read);

        // Meta's `sent` again, later (a redelivery): the silo recorded Meta's answer itself, so it may answer from memory.
        await PostSignedAsync(Status(read.GetProperty("wamid").GetString()!, "sent", "16505550304"));
        await _silo.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
        var after = await GetAsync(id);
        var next = await UntilStatusAsync(await SendAsync("16505550304"), "read");

        Assert.Equal("read", after.GetProperty("status").GetString());
        Assert.Equal(["accepted", "sending", "sent", "delivered", "read"], History(after));
        Assert.Equal(sentAt, SentAt(after));
        Assert.Equal(["accepted", "sending", "sent", "delivered", "read"], History(next));
    }

    [Fact]
    public async Task TheCallerValue_TravelsWithWaDispatchsId_AndTheStatusesStillFollow()
    {
        var response = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = Template("16505550302", "order-42") }, Ct);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        await UntilStatusAsync(id, "read");

        Assert.Equal($"wd1:{id}:order-42", Meta.Ledger(Number).Single(e => e.WaId == "16505550302").BizOpaqueCallbackData);
        Assert.Equal((id, "order-42"), (CallbackData.MessageIdOf($"wd1:{id}:order-42"), CallbackData.CallerValueOf($"wd1:{id}:order-42")));
    }

    [Fact]
    public async Task ASendWhoseOutcomeACrashLeftUnknown_TakesTheStatusesMetaReportsLater()
    {
        await StopSiloAsync();

        // What a kill leaves: Meta accepted the message, but the silo died before recording its answer.
        const string id = "0190000000007000800000000000c0de";
        var database = StorageDatabase.Create(StorageOptions);
        await using (database)
        {
            var at = DateTimeOffset.UtcNow.AddMinutes(-1);
            await new MessageLedgerStore(database).WriteAsync(
            [
                new AcceptWrite(new LedgerMessage(id, null, Number, "16505550303", null, "async", JsonSerializer.Serialize(Template("16505550303", "order-7")), "accepted", null, null, null, at, at.AddHours(1), at)),
                new AdvanceWrite(id, null, "sending", 1, 0, at),
            ], Ct);
        }

        await StartSiloAsync();
        var unknown = await UntilStatusAsync(id, "failed");

        // Minutes later Meta's webhooks arrive, for a wamid the ledger never saw, with WaDispatch's id in the callback data.
        var callbackData = CallbackData.Wrap(id, new CloudApi.Messages.SendMessageRequest { BizOpaqueCallbackData = "order-7" }).BizOpaqueCallbackData;
        await PostSignedAsync(Status("wamid.RECONCILED", "sent", "16505550303", callbackData: callbackData));
        await PostSignedAsync(Status("wamid.RECONCILED", "delivered", "16505550303", callbackData: callbackData));
        await _silo.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
        var known = await UntilStatusAsync(id, "delivered");

        Assert.Equal(-1, unknown.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("wamid.RECONCILED", known.GetProperty("wamid").GetString());
        Assert.False(known.TryGetProperty("error", out _));
        Assert.Equal(["accepted", "sending", "sent", "delivered"], History(known));
    }

    private async Task StartSiloAsync()
    {
        _silo = await TestSilo.StartAsync(string.Empty, _simulator.Address, [.. await CreateStorageOnceAsync(), "--Webhooks:AppSecret", Secret]);
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    private string[]? _storage;

    private async Task<string[]> CreateStorageOnceAsync() => _storage ??= await CreateStorageAsync();

    private async Task StopSiloAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
    }

    private async Task<string> SendAsync(string to)
    {
        var response = await _client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = Template(to, null) }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private async Task PostSignedAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        using var response = await _client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> GetAsync(string id) => await _client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct);

    private async Task<JsonElement> UntilStatusAsync(string id, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var message = await GetAsync(id);
            if (statuses.Contains(message.GetProperty("status").GetString()))
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"message {id} is still {message.GetProperty("status")}, not {string.Join(" or ", statuses)}");
            await Task.Delay(20, Ct);
        }
    }

    private static string SentAt(JsonElement message) =>
        message.GetProperty("history").EnumerateArray().Single(e => e.GetProperty("status").GetString() == "sent").GetProperty("at").ToString();

    private static List<string?> History(JsonElement message) =>
        [.. message.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("status").GetString())];

    /// <summary>A status webhook as Meta sends it (<c>entry.time</c> an integer, the status's fields as documented).</summary>
    private static string Status(string wamid, string status, string recipient, int? error = null, string? callbackData = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var value = new Dictionary<string, object?>
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["recipient_id"] = recipient,
        };
        if (callbackData is not null)
        {
            value["biz_opaque_callback_data"] = callbackData;
        }

        if (error is { } code)
        {
            value["errors"] = new[] { new { code, title = "Message undeliverable", message = "Message undeliverable", error_data = new { details = "Message Undeliverable." } } };
        }

        return JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = "100000000000001",
                    time = now,
                    changes = new[] { new { field = "messages", value = new { messaging_product = "whatsapp", metadata = new { display_phone_number = "15550001234", phone_number_id = Number }, statuses = new[] { value } } } },
                },
            },
        });
    }

    private static object Template(string to, string? callbackData) => new
    {
        messaging_product = "whatsapp",
        to,
        type = "template",
        biz_opaque_callback_data = callbackData,
        template = new { name = "hello_world", language = new { code = "en_US" } },
    };
}

/// <summary>The status webhooks on SQLite.</summary>
public sealed class SqliteStatusWebhooksEndToEndTests : StatusWebhooksEndToEndTests
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

/// <summary>The status webhooks on PostgreSQL.</summary>
public sealed class PostgresStatusWebhooksEndToEndTests : StatusWebhooksEndToEndTests
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
