using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Webhooks;

namespace WaDispatch.Grains.Wabas;

/// <summary>
/// Checks the app's webhook subscription on every known WABA — configured (<c>Templates:WabaIds</c>) or learnt from
/// its numbers — at start-up and every <see cref="WebhookOptions.SubscriptionCheckInterval"/>, subscribing it where
/// it is missing when <see cref="WebhookOptions.SubscribeOnStart"/>; and tells readiness which WABAs are not subscribed.
/// </summary>
public sealed class WabaSubscriptionService : BackgroundService
{
    /// <summary>How long <see cref="StatusesAsync"/> answers from its last look.</summary>
    private static readonly TimeSpan StatusesFor = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly IOptionsMonitor<WebhookOptions> _options;
    private readonly IOptionsMonitor<TemplateOptions> _templates;
    private readonly TimeProvider _time;
    private readonly ILogger<WabaSubscriptionService> _logger;
    private readonly SemaphoreSlim _looking = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<WabaSnapshot> Wabas)? _statuses;

    /// <summary>Creates the service.</summary>
    public WabaSubscriptionService(IGrainFactory grains, IOptionsMonitor<WebhookOptions> options, IOptionsMonitor<TemplateOptions> templates, TimeProvider time, ILogger<WabaSubscriptionService> logger)
    {
        _grains = grains;
        _options = options;
        _templates = templates;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every known WABA as its grain sees it, looked up at most every few seconds (readiness asks often).</summary>
    public async Task<IReadOnlyList<WabaSnapshot>> StatusesAsync(CancellationToken cancellationToken = default)
    {
        await _looking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_statuses is not { } last || now - last.At >= StatusesFor)
            {
                var wabas = await KnownAsync().ConfigureAwait(false);
                var snapshots = await Task.WhenAll(wabas.Select(w => _grains.GetGrain<IWabaGrain>(w).GetAsync().AsTask())).ConfigureAwait(false);
                _statuses = last = (now, snapshots);
            }

            return last.Wabas;
        }
        finally
        {
            _looking.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _looking.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var wabaId in await KnownAsync().ConfigureAwait(false))
                {
                    await CheckOneAsync(wabaId, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage or the runtime failed: the host keeps running, and the next round tries again.
                WabaLog.RoundFailed(_logger, ex);
            }

            await Task.Delay(_options.CurrentValue.SubscriptionCheckInterval, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The configured WABAs and those learnt from numbers (the template registry keeps both).</summary>
    private async Task<IReadOnlyList<string>> KnownAsync()
    {
        var registry = _grains.GetGrain<ITemplateRegistryGrain>(ITemplateRegistryGrain.Key);
        foreach (var configured in _templates.CurrentValue.WabaIds)
        {
            await registry.AddAsync(configured).ConfigureAwait(false);
        }

        return await registry.ListAsync().ConfigureAwait(false);
    }

    private async Task CheckOneAsync(string wabaId, CancellationToken cancellationToken)
    {
        try
        {
            // The grain logs and records the outcome; a failed or held check is tried again next round.
            await _grains.GetGrain<IWabaGrain>(wabaId).CheckSubscriptionAsync(_options.CurrentValue.SubscribeOnStart).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WabaLog.CheckCrashed(_logger, ex, wabaId);
        }
    }
}
