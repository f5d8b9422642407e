using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Simulator;
using WaDispatch.Storage;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

public sealed class SiloHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_AnswersHealthy_ThroughTheTestServer()
    {
        using var file = new TempSqliteFile();
        SiloContentRoot.Pin();
        await using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseFreeOrleansPorts().UseSetting("Storage:ConnectionString", file.ConnectionString));
        using var client = factory.CreateClient();

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
        Assert.NotNull(factory.Services.GetRequiredService<IGrainFactory>());
    }

    [Fact]
    public async Task Silo_OnRealKestrel_ServesHealthz_AndMigratesItsSqliteFile()
    {
        using var file = new TempSqliteFile();
        await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", file.ConnectionString]);
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = KestrelApp.AddressOf(app) };

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, await ScalarAsync(file.ConnectionString, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'OrleansStorage'"));
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task TheBuiltInSimulator_IsTheZeroConfigurationUpstream_ReachedByTheCloudApiClient()
    {
        using var file = new TempSqliteFile();
        await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", file.ConnectionString]);
        await app.StartAsync(Ct);
        app.Services.GetRequiredService<IOptionsMonitor<CloudApiOptions>>().CurrentValue.BaseAddress = new Uri(KestrelApp.AddressOf(app), SiloApplication.SimulatorPath.TrimStart('/') + "/");
        var request = new SendMessageRequest
        {
            To = "+16505551234",
            Type = "template",
            Template = new TemplateContent { Name = "hello_world", Language = new TemplateLanguage { Code = "en_US" } },
        };

        var result = await app.Services.GetRequiredService<ICloudApi>().SendAsync("106540352242922", request, cancellationToken: Ct);

        Assert.True(result.IsSuccess, result.Error?.Details);
        Assert.Equal(result.MessageId, Assert.Single(app.Services.GetRequiredService<CloudApiSimulator>().Ledger("106540352242922")).Id);
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task OnAnotherPort_TheZeroConfigurationUpstreamAndItsWebhooksFollowTheSilo()
    {
        using var file = new TempSqliteFile();
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        await using var app = TestSilo.Create(["--urls", $"http://127.0.0.1:{port}", "--Storage:ConnectionString", file.ConnectionString, "--Budgets:DefaultTier", "TIER_UNLIMITED"]);
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using var sent = await client.PostAsJsonAsync("v21.0/106540352242922/messages", new { messaging_product = "whatsapp", to = "16505551234", type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } }, Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, sent.StatusCode);
        var id = sent.Headers.GetValues("X-WaDispatch-Message-Id").Single();
        await Eventually.UntilAsync(async () => (await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"v1/messages/{id}", Ct)).GetProperty("status").GetString() == "read", TimeSpan.FromSeconds(20));
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task AnUnreachableUpstream_IsWhatTheCloudApiRouteAnswers_NotAThrottle()
    {
        using var file = new TempSqliteFile();
        await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", file.ConnectionString, "--Simulator:Enabled", "false",
            "--CloudApi:BaseAddress", "http://127.0.0.1:1/", "--Messages:MaxPermitWait", "00:00:02"]);
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = KestrelApp.AddressOf(app) };

        using var answer = await client.PostAsJsonAsync("v21.0/106540352242922/messages", new { messaging_product = "whatsapp", to = "16505551234", type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } }, Ct);

        var error = (await answer.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("error");
        Assert.NotEqual(130429, error.GetProperty("code").GetInt32());
        Assert.True((int)answer.StatusCode >= 500, $"{(int)answer.StatusCode}: {error}");
        Assert.Contains("connect", error.GetProperty("error_data").GetProperty("details").GetString(), StringComparison.OrdinalIgnoreCase);
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task TheSimulator_CanBeSwitchedOff()
    {
        using var file = new TempSqliteFile();
        SiloContentRoot.Pin();
        await using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseFreeOrleansPorts().UseSetting("Storage:ConnectionString", file.ConnectionString).UseSetting("Simulator:Enabled", "false"));
        using var client = factory.CreateClient();

        var response = await client.PostAsync(new Uri("/simulator/v21.0/1/messages", UriKind.Relative), new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Silo_OnRealKestrel_RunsOnPostgreSql()
    {
        if (TestPostgres.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", connectionString]);
            await app.StartAsync(Ct);
            using var client = new HttpClient { BaseAddress = KestrelApp.AddressOf(app) };

            var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            await using var command = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM schema_migrations", connection);
            Assert.Equal((long)SqlScripts.For(StorageProvider.PostgreSql).Migrations.Count, await command.ExecuteScalarAsync(Ct));
            await app.StopAsync(Ct);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Silo_ListensOnLocalhost5080_UnlessTheUrlsAreGiven()
    {
        await using var byDefault = TestSilo.Create([]);
        await using var given = TestSilo.Create(["--urls", "http://127.0.0.1:6000"]);

        // Each with its gRPC port beside, on the same host (TestSilo gives every silo a free one).
        Assert.Equal($"{SiloApplication.DefaultUrl};http://localhost:{byDefault.Configuration["Grpc:Port"]}", byDefault.Configuration["urls"]);
        Assert.Equal("http://localhost:5080", SiloApplication.DefaultUrl);
        Assert.Equal($"http://127.0.0.1:6000;http://127.0.0.1:{given.Configuration["Grpc:Port"]}", given.Configuration["urls"]);
    }

    [Fact]
    public async Task PostgreSql_WithoutAConnectionString_FailsAtStartup_NamingTheSetting()
    {
        await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", ""]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(Ct));

        Assert.Contains("Storage:ConnectionString is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConnectionBound_KeepsThatManyClientConnections_AndClosesTheNext()
    {
        using var file = new TempSqliteFile();
        await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", file.ConnectionString, "--Api:MaxConnections", "1"]);
        await app.StartAsync(Ct);
        using var first = new HttpClient { BaseAddress = KestrelApp.AddressOf(app) };
        using var second = new HttpClient { BaseAddress = KestrelApp.AddressOf(app) };

        // The first client keeps its connection alive; the second one's connection is over the bound.
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(new Uri("healthz", UriKind.Relative), Ct)).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => second.GetAsync(new Uri("healthz", UriKind.Relative), Ct));
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(new Uri("healthz", UriKind.Relative), Ct)).StatusCode);
        await app.StopAsync(Ct);

        await using var invalid = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", file.ConnectionString, "--Api:MaxConnections", "0"]);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => invalid.StartAsync(Ct));
        Assert.Contains("Api:MaxConnections is 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Orleans:SiloPort", "0", "Orleans:SiloPort is 0")]
    [InlineData("--Orleans:ServiceId", " ", "Orleans:ServiceId is ' '")]
    [InlineData("--Recipients:IdleCollectionAge", "00:00:00", "Recipients:IdleCollectionAge is 00:00:00")]
    [InlineData("--Recipients:DirectoryCacheSize", "10", "Recipients:DirectoryCacheSize is 10; it must be between 1000 and 10000000")]
    [InlineData("--Orleans:AdvertisedAddress", "silo-1", "Orleans:AdvertisedAddress is 'silo-1'; it must be an IP address")]
    [InlineData("--Orleans:ProbeTimeout", "00:00:00.100", "Orleans:ProbeTimeout is 00:00:00.1000000")]
    [InlineData("--Orleans:Membership", "AdoNet", "Orleans:Membership is AdoNet; it needs Storage:Provider PostgreSql")]
    public async Task AnInvalidOrleansSetting_FailsAtStartup_NamingTheSetting(string setting, string value, string message)
    {
        using var file = new TempSqliteFile();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0", "--Storage:ConnectionString", file.ConnectionString, setting, value]);
            await app.StartAsync(Ct);
        });

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new SqliteCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
