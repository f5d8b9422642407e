using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>The Orleans dashboard the silo mounts when asked: its page and data after real traffic, behind the API keys when configured, off by default.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Number = "106540352242923";
    private const string Key = "dashboard-key-0123456789";
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
    public async Task TheDashboard_ServesItsPage_AndShowsTheGrainsThatWorked()
    {
        using var client = await StartAsync();
        using var sent = await client.PostAsJsonAsync("v1/messages", new
        {
            phone_number_id = Number,
            message = new { messaging_product = "whatsapp", to = "16505550701", type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } },
        }, Ct);
        sent.EnsureSuccessStatusCode();

        using var page = await client.GetAsync(new Uri("dashboard/index.html", UriKind.Relative), Ct);
        var counters = string.Empty;
        await Eventually.UntilAsync(async () => (counters = await client.GetStringAsync(new Uri("dashboard/DashboardCounters", UriKind.Relative), Ct)).Contains("PhoneNumberGrain", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("PhoneNumberGrain", counters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithApiKeys_TheDashboardAsksTheBrowserForOne_AndTakesItAsBasicPasswordOrBearer()
    {
        using var client = await StartAsync("--Api:Keys:ops", Key);

        using var anonymous = await client.GetAsync(new Uri("dashboard/index.html", UriKind.Relative), Ct);
        using var wrong = await GetAsync(client, "dashboard/index.html", new AuthenticationHeaderValue("Basic", Basic("ops", "not-the-key-0123456")));
        using var basic = await GetAsync(client, "dashboard/index.html", new AuthenticationHeaderValue("Basic", Basic("anyone", Key)));
        using var bearer = await GetAsync(client, "dashboard/DashboardCounters", new AuthenticationHeaderValue("Bearer", Key));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (basic.StatusCode, bearer.StatusCode));
    }

    [Fact]
    public async Task TheDashboard_IsOffByDefault_AndElsewhereWithASetting()
    {
        using var off = await StartAsync(on: false);
        using var none = await off.GetAsync(new Uri("dashboard/index.html", UriKind.Relative), Ct);
        await _silo!.StopAsync(Ct);
        await _silo.DisposeAsync();
        _silo = null;

        using var moved = await StartAsync("--Dashboard:Path", "/ops/orleans");
        using var there = await moved.GetAsync(new Uri("ops/orleans/index.html", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, there.StatusCode);
    }

    [Fact]
    public async Task ADashboardPathOnTheSilosOwnRoutes_StopsItAtStartUp_NamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync("--Dashboard:Path", "/v1/dashboard"));

        Assert.Contains("Dashboard:Path is '/v1/dashboard'", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A silo with the dashboard turned on by its setting, and <paramref name="settings"/>.</summary>
    private Task<HttpClient> StartAsync(params string[] settings) => StartAsync(on: true, settings);

    /// <summary>A silo with the dashboard turned on by its setting when <paramref name="on"/>, otherwise left at its default.</summary>
    private async Task<HttpClient> StartAsync(bool on, params string[] settings)
    {
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, on ? ["--Dashboard:Enabled", "true", .. settings] : settings);
        return new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await client.SendAsync(request, Ct);
    }

    private static string Basic(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
}
