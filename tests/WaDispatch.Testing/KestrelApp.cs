using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WaDispatch.Testing;

/// <summary>A real Kestrel app on a free loopback port, for tests that speak HTTP for real.</summary>
public sealed class KestrelApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The app's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts an app; <paramref name="configureServices"/> and <paramref name="map"/> shape it.</summary>
    public static async Task<KestrelApp> StartAsync(Action<IServiceCollection> configureServices, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configureServices(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new KestrelApp(app, AddressOf(app));
    }

    /// <summary>A loopback port free now, for a process that must know its address before it starts.</summary>
    public static int FreePort() => WaDispatch.Simulator.LoopbackPorts.Free(1)[0];

    /// <summary>The base address (with a trailing slash) a started app listens on.</summary>
    public static Uri AddressOf(WebApplication app)
    {
        // A silo also listens on its gRPC port (Grpc:Port), and with mutual TLS on its webhooks' HTTPS port; the HTTP address is the other one.
        var grpc = app.Configuration["Grpc:Port"] is { } port ? ":" + port : null;
        return new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single(a => a.StartsWith("http://", StringComparison.Ordinal) && (grpc is null || !a.EndsWith(grpc, StringComparison.Ordinal))) + "/");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
