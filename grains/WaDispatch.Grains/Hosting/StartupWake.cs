using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Lanes;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Hosting;

/// <summary>
/// Once the silo is active, wakes every lane with messages open in the ledger and every campaign still sending:
/// their grains take up their work themselves when they activate. It starts things and holds nothing. (Reminders do
/// the same when they are durable; on one node with reminders in memory, this is what survives a restart.)
/// </summary>
public sealed partial class StartupWake(IGrainFactory grains, MessageLedgerStore ledger, ILogger<StartupWake> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(StartupWake), ServiceLifecycleStage.Active, cancellationToken =>
        {
            // Not awaited: the silo is up whether or not every lane has woken yet.
            _ = Task.Run(() => WakeAsync(cancellationToken), CancellationToken.None);
            return Task.CompletedTask;
        });
    }

    private async Task WakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var numbers = await ledger.ReadOpenNumbersAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(numbers.Select(n => grains.GetGrain<IPhoneNumberGrain>(n).WakeAsync().AsTask())).ConfigureAwait(false);
            var campaigns = await grains.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).ListAsync().ConfigureAwait(false);
            await Task.WhenAll(campaigns.Select(c => grains.GetGrain<ICampaignGrain>(c).WakeAsync().AsTask())).ConfigureAwait(false);
            Log.Woken(logger, numbers.Count, campaigns.Count);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.WakeFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2320, Level = LogLevel.Information, Message = "At start-up, {Lanes} lanes with open messages and {Campaigns} campaigns were woken")]
        public static partial void Woken(ILogger logger, int lanes, int campaigns);

        [LoggerMessage(EventId = 2321, Level = LogLevel.Error, Message = "Waking lanes and campaigns at start-up failed; they wake on their next call or reminder")]
        public static partial void WakeFailed(ILogger logger, Exception exception);
    }
}
