using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Lanes;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Hosting;

/// <summary>
/// Wakes what the ledger says has work. Once the silo is active: every lane with messages open in the ledger and every
/// campaign still sending (their grains take up their work themselves when they activate). Then every
/// <see cref="SweepInterval"/>: every lane with open messages (one whose silo died activates elsewhere and takes them
/// up, even when nothing else calls it) and every lane with a message whose retry time has come (a lane books its own
/// wake for a message it deferred, but a caller that deferred a message because the lane could not be reached could not
/// book one). And when another silo dies: every lane with open messages looks through them again
/// (<see cref="IPhoneNumberGrain.RecheckAtAsync"/>), for messages the dead silo had accepted, or was taking to a lane
/// that lives on elsewhere, never reached that lane and would otherwise wait for its next activation. It starts things
/// and holds nothing: every silo sweeps, and waking a lane twice is harmless.
/// </summary>
public sealed partial class LaneWake(IGrainFactory grains, MessageLedgerStore ledger, IClusterMembershipService membership, TimeProvider time, ILogger<LaneWake> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How often the ledger is asked for lanes with due messages.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(
            nameof(LaneWake),
            ServiceLifecycleStage.Active,
            _ =>
            {
                // Not awaited: the silo is up whether or not every lane has woken yet.
                _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
                return Task.CompletedTask;
            },
            async _ =>
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
                await _running.ConfigureAwait(false);
            });
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var watching = Task.Run(() => WatchMembershipAsync(cancellationToken), CancellationToken.None);
        await WakeAllAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A pause after each sweep, not a periodic timer: a clock that jumps (a test's, or a machine back from
            // sleep) gets one sweep, not one for every interval it jumped over (a week's jump was 60,480 sweeps).
            while (true)
            {
                await Task.Delay(SweepInterval, time, cancellationToken).ConfigureAwait(false);
                await WakeDueAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await watching.ConfigureAwait(false);
    }

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        try
        {
            var known = membership.CurrentSnapshot;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var died = snapshot.CreateUpdate(known).Changes.Count(m => m.Status == SiloStatus.Dead);
                known = snapshot;
                if (died > 0)
                {
                    await RecheckOpenLanesAsync(died, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RecheckOpenLanesAsync(int died, CancellationToken cancellationToken)
    {
        try
        {
            // Each lane takes up what it does not hold, once it has been left alone long enough that no live caller still
            // has it on the way (MessageService.TakeUpGrace).
            var now = time.GetUtcNow();
            var open = await ledger.ReadOpenNumbersAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(open.Select(n => grains.GetGrain<IPhoneNumberGrain>(n).RecheckAtAsync(now).AsTask())).ConfigureAwait(false);
            Log.RecheckedAfterDeath(logger, died, open.Count);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The lanes' own rechecks, their next activation, or the next death's recheck take these messages up.
            Log.RecheckFailed(logger, ex);
        }
    }

    private async Task WakeAllAsync(CancellationToken cancellationToken)
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

    private async Task WakeDueAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A lane with open messages that is active nowhere (its silo died, and nothing has called it since) activates,
            // and takes them up; an active one is not disturbed.
            var open = await ledger.ReadOpenNumbersAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(open.Select(n => grains.GetGrain<IPhoneNumberGrain>(n).WakeAsync().AsTask())).ConfigureAwait(false);

            var now = time.GetUtcNow();
            var due = await ledger.ReadDueNumbersAsync(now, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(due.Select(n => grains.GetGrain<IPhoneNumberGrain>(n).WakeAtAsync(now).AsTask())).ConfigureAwait(false);
            if (due.Count > 0)
            {
                Log.DueWoken(logger, due.Count);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The next sweep tries again.
            Log.SweepFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2320, Level = LogLevel.Information, Message = "At start-up, {Lanes} lanes with open messages and {Campaigns} campaigns were woken")]
        public static partial void Woken(ILogger logger, int lanes, int campaigns);

        [LoggerMessage(EventId = 2321, Level = LogLevel.Error, Message = "Waking lanes and campaigns at start-up failed; they wake on their next call or reminder, or the next sweep")]
        public static partial void WakeFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2324, Level = LogLevel.Debug, Message = "Woke {Lanes} lanes with messages due")]
        public static partial void DueWoken(ILogger logger, int lanes);

        [LoggerMessage(EventId = 2323, Level = LogLevel.Warning, Message = "Waking the lanes with due messages failed; the next sweep tries again")]
        public static partial void SweepFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2325, Level = LogLevel.Information, Message = "{Silos} silo(s) died: {Lanes} lanes with open messages look through them again")]
        public static partial void RecheckedAfterDeath(ILogger logger, int silos, int lanes);

        [LoggerMessage(EventId = 2326, Level = LogLevel.Warning, Message = "After a silo's death, asking the lanes with open messages to look through them again failed")]
        public static partial void RecheckFailed(ILogger logger, Exception exception);
    }
}
