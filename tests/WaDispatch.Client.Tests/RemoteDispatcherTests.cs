using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Silo.Tests;
using WaDispatch.Testing;

namespace WaDispatch.Client.Tests;

/// <summary>The contract against a real silo on Kestrel, through the remote client over HTTP.</summary>
public sealed class RemoteDispatcherTests : SiloDispatcherTests
{
    protected override void AddClient(IServiceCollection services, WebApplication silo) =>
        services.AddWaDispatchClient(o => o.BaseAddress = KestrelApp.AddressOf(silo));
}

/// <summary>The contract against a real silo on Kestrel, through the gRPC client (its gRPC port, cleartext HTTP/2).</summary>
public sealed class GrpcDispatcherTests : SiloDispatcherTests
{
    protected override void AddClient(IServiceCollection services, WebApplication silo) =>
        services.AddWaDispatchGrpcClient(o => o.Address = TestSilo.GrpcAddressOf(silo));
}

/// <summary>The contract against a real silo on Kestrel, through a remote client (HTTP or gRPC) each subclass registers.</summary>
public abstract class SiloDispatcherTests : DispatcherContractTests
{
    private WebApplication? _silo;
    private ServiceProvider? _services;
    private HttpClient? _admin;

    protected override async Task<(IWaDispatcher Dispatcher, Uri Webhooks)> StartAsync(Uri upstream)
    {
        _silo = await TestSilo.StartAsync(File.ConnectionString, upstream, "--Webhooks:AppSecret", Secret, "--Messages:MaxPermitWait", "00:00:00.300");
        var address = KestrelApp.AddressOf(_silo);
        _admin = new HttpClient { BaseAddress = address };
        var services = new ServiceCollection();
        AddClient(services, _silo);
        _services = services.BuildServiceProvider();
        return (_services.GetRequiredService<IWaDispatcher>(), new Uri(address, "webhooks/whatsapp"));
    }

    protected override async Task SetThroughputAsync(string phoneNumberId, int messagesPerSecond) =>
        (await _admin!.PutAsJsonAsync($"v1/phone-numbers/{phoneNumberId}", new { throughput_mps = messagesPerSecond }, Ct)).EnsureSuccessStatusCode();

    protected override async Task SetMessagingLimitAsync(string businessId, string tier) =>
        (await _admin!.PutAsJsonAsync($"v1/businesses/{businessId}", new { messaging_limit_tier = tier }, Ct)).EnsureSuccessStatusCode();

    /// <summary>Registers the client under test, talking to <paramref name="silo"/>.</summary>
    protected abstract void AddClient(IServiceCollection services, WebApplication silo);

    protected override async ValueTask StopAsync()
    {
        _admin?.Dispose();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.StopAsync(Ct);
            await _silo.DisposeAsync();
        }
    }
}
