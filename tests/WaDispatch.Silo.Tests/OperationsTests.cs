using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>Health and readiness on a real silo, including while it drains on its way down.</summary>
public sealed class OperationsTests : IAsyncLifetime
{
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _simulator = await SimulatorServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task Readyz_NamesEachCheck_AndIsReadyWhenStorageAndUpstreamAre()
    {
        await using var silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address);
        using var client = new HttpClient { BaseAddress = KestrelApp.AddressOf(silo) };

        var health = await client.GetAsync(new Uri("healthz", UriKind.Relative), Ct);
        var ready = await client.GetAsync(new Uri("readyz", UriKind.Relative), Ct);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (health.StatusCode, ready.StatusCode));
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(["draining", "storage", "upstream", "webhook_subscriptions"], body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
        Assert.Contains("schema current", body.GetProperty("checks").GetProperty("storage").GetProperty("description").GetString(), StringComparison.Ordinal);
        await silo.StopAsync(Ct);
    }

    [Fact]
    public async Task WhileDraining_ReadyzAnswers503_AndTheApiStillServes()
    {
        await using var silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, "--Operations:DrainDelay", "00:00:03");
        using var client = new HttpClient { BaseAddress = KestrelApp.AddressOf(silo) };

        var stopping = silo.StopAsync(Ct);
        HttpResponseMessage ready;
        do
        {
            ready = await client.GetAsync(new Uri("readyz", UriKind.Relative), Ct);
        }
        while (ready.StatusCode == HttpStatusCode.OK && !stopping.IsCompleted);

        var api = await client.GetAsync(new Uri("v1/messages/x", UriKind.Relative), Ct);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>(Ct);
        await stopping;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Draining: the silo is stopping.", body.GetProperty("checks").GetProperty("draining").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }
}
