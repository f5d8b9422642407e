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
    private readonly Lock _gate = new();
    private Task<IReadOnlyList<WabaSnapshot>>? _looking;
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

    /// <summary>
    /// Every known WABA as its grain sees it, looked up at most every few seconds (readiness asks often); callers that
    /// come during a look share it, and each stops waiting when its own <paramref name="cancellationToken"/> fires.
    /// </summary>
    public Task<IReadOnlyList<WabaSnapshot>> StatusesAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_statuses is { } last && _time.GetUtcNow() - last.At < StatusesFor)
            {
                return Task.FromResult(last.Wabas);
            }

            if (_looking is null || _looking.IsCompleted)
            {
                _looking = LookAsync();
            }

            return _looking.WaitAsync(cancellationToken);
        }
    }

    private async Task<IReadOnlyList<WabaSnapshot>> LookAsync()
    {
        var at = _time.GetUtcNow();
        var wabas = await KnownAsync().ConfigureAwait(false);
        IReadOnlyList<WabaSnapshot> snapshots = await Task.WhenAll(wabas.Select(w => _grains.GetGrain<IWabaGrain>(w).GetAsync().AsTask())).ConfigureAwait(false);
        lock (_gate)
        {
            _statuses = (at, snapshots);
        }

        return snapshots;
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
