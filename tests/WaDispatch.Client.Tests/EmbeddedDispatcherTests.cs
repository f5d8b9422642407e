using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaDispatch.Silo.Tests;

namespace WaDispatch.Client.Tests;

/// <summary>
/// The contract through the embedded client: the silo runs as a process of its own, and this test's process is the
/// backend service, with <c>AddWaDispatch</c> connecting an Orleans client to the silo's gateway.
/// </summary>
public sealed class EmbeddedDispatcherTests : DispatcherContractTests
{
    private SiloProcess? _silo;
    private IHost? _backend;
    private HttpClient? _admin;

    protected override async Task<(IWaDispatcher Dispatcher, Uri Webhooks)> StartAsync(Uri upstream)
    {
        _silo = await SiloProcess.StartAsync(
            "--Storage:ConnectionString", File.ConnectionString,
            "--Simulator:Enabled", "false",
            "--CloudApi:BaseAddress", upstream.ToString(),
            "--Webhooks:AppSecret", Secret,
            "--Messages:MaxPermitWait", "00:00:00.300");
        _admin = new HttpClient { BaseAddress = _silo.Address };
        var backend = Host.CreateApplicationBuilder();
        backend.Logging.SetMinimumLevel(LogLevel.Warning);
        backend.Services.AddWaDispatch(o => o.AddGateway(IPAddress.Loopback, _silo.GatewayPort));
        _backend = backend.Build();
        await _backend.StartAsync(Ct);
        return (_backend.Services.GetRequiredService<IWaDispatcher>(), new Uri(_silo.Address, "webhooks/whatsapp"));
    }

    // An operator's acts go through the silo's HTTP API, as for the remote client.
    protected override async Task SetThroughputAsync(string phoneNumberId, int messagesPerSecond) =>
        (await _admin!.PutAsJsonAsync($"v1/phone-numbers/{phoneNumberId}", new { throughput_mps = messagesPerSecond }, Ct)).EnsureSuccessStatusCode();

    protected override async Task SetMessagingLimitAsync(string businessId, string tier) =>
        (await _admin!.PutAsJsonAsync($"v1/businesses/{businessId}", new { messaging_limit_tier = tier }, Ct)).EnsureSuccessStatusCode();

    protected override async ValueTask StopAsync()
    {
        if (_backend is not null)
        {
            await _backend.StopAsync(Ct);
            _backend.Dispose();
        }

        _admin?.Dispose();
        if (_silo is not null)
        {
            await _silo.TerminateAsync(TimeSpan.FromSeconds(30));
            await _silo.DisposeAsync();
        }
    }
}
