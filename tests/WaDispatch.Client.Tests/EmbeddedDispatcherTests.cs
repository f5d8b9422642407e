using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Runtime;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Client.Tests;

/// <summary>The contract against WaDispatch hosted in this process: an ASP.NET Core app with AddWaDispatch and Meta's webhooks mapped.</summary>
public sealed class EmbeddedDispatcherTests : DispatcherContractTests
{
    private WebApplication? _app;

    protected override async Task<(IWaDispatcher Dispatcher, Uri Webhooks)> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddWaDispatch(o =>
        {
            o.UseSqlite(File.ConnectionString);
            o.UpstreamBaseAddress = upstream;
            o.AccessToken = "simulator-token";
            o.WebhookAppSecret = Secret;
        });
        builder.Services.Configure<MessageOptions>(o => o.MaxPermitWait = TimeSpan.FromMilliseconds(300));
        _app = builder.Build();
        _app.MapWhatsAppWebhooks();
        await _app.StartAsync(Ct);
        return (_app.Services.GetRequiredService<IWaDispatcher>(), new Uri(KestrelApp.AddressOf(_app), "webhooks/whatsapp"));
    }

    protected override async Task SetThroughputAsync(string phoneNumberId, int messagesPerSecond) =>
        await _app!.Services.GetRequiredService<IGrainFactory>().GetGrain<IPhoneNumberGrain>(phoneNumberId).SetThroughputAsync(messagesPerSecond);

    protected override async Task SetMessagingLimitAsync(string businessId, string tier)
    {
        Assert.True(MessagingLimitTiers.TryParse(tier, out var parsed));
        await _app!.Services.GetRequiredService<IGrainFactory>().GetGrain<IBusinessGrain>(businessId).SetTierAsync(parsed);
    }

    protected override async ValueTask StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(Ct);
            await _app.DisposeAsync();
        }
    }
}
