using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Templates;

/// <summary>
/// Syncs every known WABA's catalog at start-up and every <see cref="TemplateOptions.SyncInterval"/>;
/// a WABA becomes known through <see cref="TrackAsync"/> (a number configured with it) or configuration.
/// </summary>
public sealed partial class TemplateSyncService : BackgroundService
{
    private readonly TemplateCatalogSync _sync;
    private readonly IGrainFactory _grains;
    private readonly IOptionsMonitor<TemplateOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TemplateSyncService> _logger;

    /// <summary>Creates the service.</summary>
    public TemplateSyncService(TemplateCatalogSync sync, IGrainFactory grains, IOptionsMonitor<TemplateOptions> options, TimeProvider time, ILogger<TemplateSyncService> logger)
    {
        _sync = sync;
        _grains = grains;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Keeps <paramref name="wabaId"/>'s catalog from now on; a WABA seen for the first time is synced at once, in the background.</summary>
    public async Task TrackAsync(string wabaId)
    {
        if (await Registry.AddAsync(wabaId).ConfigureAwait(false))
        {
            _ = SyncOneAsync(wabaId, CancellationToken.None);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var configured in _options.CurrentValue.WabaIds)
                {
                    await Registry.AddAsync(configured).ConfigureAwait(false);
                }

                foreach (var wabaId in await Registry.ListAsync().ConfigureAwait(false))
                {
                    await SyncOneAsync(wabaId, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage or the runtime failed: the host keeps running, and the next round tries again.
                RoundFailed(_logger, ex);
            }

            await Task.Delay(_options.CurrentValue.SyncInterval, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private ITemplateRegistryGrain Registry => _grains.GetGrain<ITemplateRegistryGrain>(ITemplateRegistryGrain.Key);

    private async Task SyncOneAsync(string wabaId, CancellationToken cancellationToken)
    {
        try
        {
            var (count, error) = await _sync.SyncAsync(wabaId, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                Synced(_logger, wabaId, count);
            }
            else
            {
                SyncFailed(_logger, wabaId, error.Code, error.Details);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SyncCrashed(_logger, ex, wabaId);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Template catalog of WABA {WabaId} synced: {Count} templates")]
    private static partial void Synced(ILogger logger, string wabaId, int count);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Template catalog of WABA {WabaId} not synced: error {Code}, {Details}; the last catalog stays in use")]
    private static partial void SyncFailed(ILogger logger, string wabaId, int code, string details);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Error, Message = "Template sync round failed; the next round tries again")]
    private static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "Template catalog of WABA {WabaId}: the sync failed")]
    private static partial void SyncCrashed(ILogger logger, Exception exception, string wabaId);
}
