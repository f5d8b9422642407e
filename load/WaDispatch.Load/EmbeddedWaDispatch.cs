using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaDispatch.Client;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Load;

/// <summary>
/// The .NET client's embedded mode in the harness's process (<c>services.AddWaDispatch(…)</c>): an Orleans client
/// connected to the silo's gateway, driven through <see cref="IWaDispatcher"/> with no HTTP hop. WaDispatch itself runs
/// in the silo's process, whose CPU and memory the reports show.
/// </summary>
internal sealed class EmbeddedWaDispatch : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedWaDispatch(IHost host) => _host = host;

    /// <summary>The dispatcher, as a backend service embedding WaDispatch calls it.</summary>
    public IWaDispatcher Dispatcher => _host.Services.GetRequiredService<IWaDispatcher>();

    /// <summary>Connects to the silo whose Orleans gateway listens on <paramref name="gatewayPort"/> of this machine.</summary>
    public static async Task<EmbeddedWaDispatch> StartAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaDispatch(o => o.AddGateway(IPAddress.Loopback, gatewayPort));
        var host = builder.Build();
        await host.StartAsync();
        return new EmbeddedWaDispatch(host);
    }

    /// <summary>Accepts a batch of template messages; returns how many were refused.</summary>
    public async Task<int> EnqueueAsync(IReadOnlyList<(string PhoneNumberId, string To)> messages, CancellationToken cancellationToken)
    {
        var template = new TemplateContent { Name = "hello_world", Language = new TemplateLanguage { Code = "en_US" } };
        var results = await Dispatcher.EnqueueBatchAsync([.. messages.Select(m => new OutgoingMessage(m.PhoneNumberId, WaMessages.Template(m.To, template)))], cancellationToken: cancellationToken);
        return results.Count(r => r.Error is not null);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
