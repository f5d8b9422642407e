using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaDispatch.Client;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Runtime;
using WaDispatch.Runtime.Hosting;

namespace WaDispatch.Load;

/// <summary>
/// WaDispatch embedded in the harness's own process (<c>services.AddWaDispatch(…)</c>, the .NET client's embedded
/// mode) with Meta's webhooks mapped on a Kestrel port of its own; the harness then drives it through
/// <see cref="IWaDispatcher"/> with no HTTP hop. Its CPU and memory are the harness's process's.
/// </summary>
internal sealed class EmbeddedWaDispatch : IAsyncDisposable, ISiloUnderTest
{
    private readonly WebApplication _app;
    private readonly Process _self = Process.GetCurrentProcess();
    private long _peakWorkingSet;

    private EmbeddedWaDispatch(WebApplication app) => _app = app;

    /// <summary>The dispatcher, as a backend service embedding WaDispatch calls it.</summary>
    public IWaDispatcher Dispatcher => _app.Services.GetRequiredService<IWaDispatcher>();

    /// <summary>The grains, for settings the dispatcher interface does not carry (a number's tier).</summary>
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public TimeSpan ProcessorTime
    {
        get
        {
            _self.Refresh();
            return _self.TotalProcessorTime;
        }
    }

    public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);

    public long WorkingSet
    {
        get
        {
            _self.Refresh();
            return _self.WorkingSet64;
        }
    }

    /// <summary>Starts it on <paramref name="port"/>, sending to <paramref name="upstream"/>, storing in a SQLite file under <paramref name="data"/>; <paramref name="settings"/> as the silo's (<c>Lanes:…</c>, <c>Messages:…</c>, …).</summary>
    public static async Task<EmbeddedWaDispatch> StartAsync(int port, Uri upstream, DirectoryInfo data, IReadOnlyDictionary<string, string> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal) { ["Budgets:DefaultTier"] = "TIER_UNLIMITED" });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.Configure<LaneOptions>(builder.Configuration.GetSection(LaneOptions.SectionName));
        builder.Services.Configure<BudgetOptions>(builder.Configuration.GetSection(BudgetOptions.SectionName));
        builder.Services.Configure<MessageOptions>(builder.Configuration.GetSection(MessageOptions.SectionName));
        builder.Services.Configure<GrainRuntimeOptions>(builder.Configuration.GetSection(GrainRuntimeOptions.SectionName));
        builder.Services.AddWaDispatch(o =>
        {
            o.UseSqlite($"Data Source={Path.Combine(data.FullName, "embedded.db")}");
            o.UpstreamBaseAddress = upstream;
            o.AccessToken = "simulator-token";
            o.WebhookAppSecret = LoadRig.AppSecret;
            o.WebhookVerifyToken = "load-harness-verify-token";
            o.CallbackSecret = "load-harness-callback-secret";
        });
        var app = builder.Build();
        app.MapWhatsAppWebhooks();
        await app.StartAsync();
        return new EmbeddedWaDispatch(app);
    }

    /// <summary>Gives <paramref name="phoneNumberId"/> the tier <paramref name="tierMps"/>.</summary>
    public async Task SetTierAsync(string phoneNumberId, int tierMps) =>
        await Grains.GetGrain<IPhoneNumberGrain>(phoneNumberId).SetThroughputAsync(tierMps);

    /// <summary>Accepts a batch of template messages; returns how many were refused.</summary>
    public async Task<int> EnqueueAsync(IReadOnlyList<(string PhoneNumberId, string To)> messages, CancellationToken cancellationToken)
    {
        var template = new TemplateContent { Name = "hello_world", Language = new TemplateLanguage { Code = "en_US" } };
        var results = await Dispatcher.EnqueueBatchAsync([.. messages.Select(m => new OutgoingMessage(m.PhoneNumberId, WaMessages.Template(m.To, template)))], cancellationToken: cancellationToken);
        return results.Count(r => r.Error is not null);
    }

    public void Sample()
    {
        _self.Refresh();
        AtomicMax.Raise(ref _peakWorkingSet, _self.WorkingSet64);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _self.Dispose();
    }
}
