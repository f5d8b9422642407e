using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Recipients;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// How a lane's sends end, recorded outside the lane's turns: in the message ledger, with the recipient (Meta's codes
/// teach it), the business (a send outside the window counts against the messaging limit) and, for a template Meta
/// paused, the campaign. A caller waiting on a send (the Cloud API route) gets its outcome once it is recorded.
/// </summary>
/// <remarks>One per lane activation, shared by the grain and its pump; thread-safe. Nothing here is needed after a crash: the ledger is.</remarks>
internal sealed class LaneOutcomes(string phoneNumberId, MessageLedger ledger, IGrainFactory grains, DispatchMetrics metrics, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<SendOutcome>> _waiters = new(StringComparer.Ordinal);

    /// <summary>The outcome of <paramref name="messageId"/>, once it ends and is recorded.</summary>
    public Task<SendOutcome> WaitFor(string messageId)
    {
        var waiter = _waiters.GetOrAdd(messageId, static _ => new TaskCompletionSource<SendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        return waiter.Task;
    }

    /// <summary>
    /// Meta accepted <paramref name="send"/>: recorded at once, before the lane's bookkeeping, so that its status
    /// webhooks find the wamid and a crash from here on does not leave its outcome unknown.
    /// </summary>
    public Task RecordSentAsync(LaneSend send, SendMessageResponse response)
    {
        var wamid = response.Messages is [{ Id: { } id }, ..] ? id : null;
        if (send.CampaignId is { } campaign)
        {
            metrics.CampaignSend(campaign, sent: true);
        }

        return send.Recorded ? ledger.SentAsync(send.MessageId, wamid, time.GetUtcNow()) : Task.CompletedTask;
    }

    /// <summary>Records how <paramref name="send"/> ended (a sent one is recorded already) and tells who must know; then its waiter.</summary>
    public async Task SettleAsync(LaneSend send, SendOutcome outcome)
    {
        try
        {
            switch (outcome.Status)
            {
                case SendStatus.Sent:
                    await TellRecipientAsync(send, 0, outcome.CompletedAt).ConfigureAwait(false);

                    // Business-initiated unless it went inside the window, judged at the real send time.
                    if (send is { BusinessId: { } business, WaId: { } waId } && (send.WindowOpenUntil is not { } until || outcome.CompletedAt >= until))
                    {
                        await grains.Reference<IBusinessGrain>(business).RecordSentAsync(phoneNumberId, waId, outcome.CompletedAt).ConfigureAwait(false);
                    }

                    break;
                case SendStatus.Failed:
                    if (send.CampaignId is { } failedIn)
                    {
                        metrics.CampaignSend(failedIn, sent: false);
                    }

                    if (send.Recorded)
                    {
                        await ledger.EndAsync(send.MessageId, MessageStatuses.Failed, outcome.Error, outcome.CompletedAt).ConfigureAwait(false);
                    }

                    if (outcome.Error is { } error)
                    {
                        await TellRecipientAsync(send, error.Code, outcome.CompletedAt).ConfigureAwait(false);
                        if (send.CampaignId is { } campaign && error.Code is ErrorCodes.TemplatePaused or ErrorCodes.TemplateDisabled)
                        {
                            await grains.Reference<ICampaignGrain>(campaign).PauseAsync(error.Details).ConfigureAwait(false);
                        }
                    }

                    break;
                case SendStatus.Expired when send.Recorded && !send.Direct:
                    // A caller waiting on a direct send records its expiry itself: it knows whether its permit wait ran out.
                    if (send.CampaignId is { } expiredIn)
                    {
                        metrics.CampaignSend(expiredIn, sent: false);
                    }

                    var expired = outcome.Error ?? CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Message expired", $"The message could not be sent before it expired at {send.ExpiresAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}.");
                    await ledger.EndAsync(send.MessageId, MessageStatuses.Expired, expired, outcome.CompletedAt).ConfigureAwait(false);
                    break;

                // Abandoned (the lane went away before it left): it is still accepted in the ledger, and the lane's next
                // activation takes it up; a direct send's caller ends it.
            }
        }
        catch (Exception ex)
        {
            // The ledger still has the message open: the lane's next activation settles it safely.
            LaneLog.OutcomeNotRecorded(logger, ex, phoneNumberId, send.MessageId, outcome.Status);
        }
        finally
        {
            if (_waiters.TryRemove(send.MessageId, out var waiter))
            {
                waiter.TrySetResult(outcome);
            }
        }
    }

    /// <summary>A retryable answer (131056 above all) teaches the recipient too; the send goes again.</summary>
    public async Task RetryingAsync(LaneSend send, int code)
    {
        try
        {
            await TellRecipientAsync(send, code, time.GetUtcNow()).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LaneLog.RetryNotTold(logger, ex, phoneNumberId, send.MessageId, code);
        }
    }

    private Task TellRecipientAsync(LaneSend send, int code, DateTimeOffset at) =>
        send.WaId is { } waId ? grains.Reference<IRecipientGrain>(RecipientKey.Of(phoneNumberId, waId)).RecordOutcomeAsync(code, at).AsTask() : Task.CompletedTask;
}
