using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.CloudApi.Validation;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Runtime;

namespace WaDispatch.Grains.Dispatch;

/// <summary>
/// Takes one message the whole way: validation → the recipient's rules (window, opt-outs, marketing cap,
/// pair rate) → the messaging limit (durably counted first) → the lane → Meta; then tells the recipient
/// and the budget what happened. A message bound to fail never reaches Meta.
/// </summary>
public sealed partial class MessageDispatcher
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger<MessageDispatcher> _logger;

    /// <summary>Creates the dispatcher.</summary>
    public MessageDispatcher(IGrainFactory grains, TimeProvider time, ILogger<MessageDispatcher> logger)
    {
        _grains = grains;
        _time = time;
        _logger = logger;
    }

    /// <summary>Dispatches <paramref name="request"/> and waits until it is sent, refused, skipped, deferred or expired.</summary>
    public async Task<DispatchResult> SendAsync(DispatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (SendMessageValidator.Validate(request.Message) is { } invalid)
        {
            return new DispatchResult(DispatchStatus.Refused, Error: invalid);
        }

        var waId = PhoneNumbers.Digits(request.Message.To!);
        var lane = _grains.GetGrain<IPhoneNumberGrain>(request.PhoneNumberId);
        var recipient = _grains.GetGrain<IRecipientGrain>(RecipientKey.Of(request.PhoneNumberId, waId));
        var admission = await recipient.AdmitAsync(new RecipientSend(request.Category, request.Origin, request.ExpiresAt)).ConfigureAwait(false);
        switch (admission.Verdict)
        {
            case RecipientVerdict.Skipped:
                return new DispatchResult(DispatchStatus.Skipped, SkipReason: admission.SkipReason);
            case RecipientVerdict.Deferred:
                return new DispatchResult(DispatchStatus.Deferred, RetryAt: admission.RetryAt);
            case RecipientVerdict.Expired:
                return new DispatchResult(DispatchStatus.Expired, RetryAt: admission.RetryAt);
            case RecipientVerdict.Refused:
                return new DispatchResult(DispatchStatus.Refused, Error: admission.Error, RetryAt: admission.RetryAt);
        }

        var business = _grains.GetGrain<IBusinessGrain>(await lane.GetBusinessIdAsync().ConfigureAwait(false));
        var budget = await business.ChargeAsync(new BudgetCharge(request.PhoneNumberId, waId, admission.WindowOpen, request.Origin)).ConfigureAwait(false);
        if (!budget.MaySend)
        {
            return budget.Verdict == BudgetVerdict.Deferred
                ? new DispatchResult(DispatchStatus.Deferred, RetryAt: budget.RetryAt)
                : new DispatchResult(DispatchStatus.Refused, Error: budget.Error, RetryAt: budget.RetryAt);
        }

        // The count is durable before the message can leave: a crash never forgets a recipient reached.
        await budget.Committed.ConfigureAwait(false);
        var send = new OutboundSend(request.Id, request.Message, request.Priority ?? PriorityOf(request.Category), request.ExpiresAt, request.Flow)
        {
            NotBefore = admission.NotBefore,
            Retrying = result => TellRecipient(recipient, result),
        };
        await lane.EnqueueAsync(send).ConfigureAwait(false);
        var outcome = await send.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case SendStatus.Sent:
                await recipient.RecordOutcomeAsync(0, outcome.CompletedAt).ConfigureAwait(false);
                if (!admission.WindowOpen)
                {
                    await business.RecordSentAsync(request.PhoneNumberId, waId, outcome.CompletedAt).ConfigureAwait(false);
                }

                return new DispatchResult(DispatchStatus.Sent, outcome);
            case SendStatus.Failed:
                await recipient.RecordOutcomeAsync(outcome.Error!.Code, outcome.CompletedAt).ConfigureAwait(false);
                return new DispatchResult(DispatchStatus.Failed, outcome, outcome.Error);
            case SendStatus.Expired:
                return new DispatchResult(DispatchStatus.Expired, outcome, outcome.Error);
            default:
                return new DispatchResult(DispatchStatus.Abandoned, outcome, outcome.Error);
        }
    }

    /// <summary>Replies and one-time passwords first, utility next, marketing last.</summary>
    public static SendPriority PriorityOf(MessageCategory category) => category switch
    {
        MessageCategory.Service or MessageCategory.Authentication => SendPriority.Reply,
        MessageCategory.Utility => SendPriority.Transactional,
        _ => SendPriority.Bulk,
    };

    /// <summary>A retried answer (131056 above all) reaches the recipient without holding up the lane's turn.</summary>
    private void TellRecipient(GrainReference<IRecipientGrain> recipient, SendResult result)
    {
        if (result.Error is { } error)
        {
            _ = RecordAsync(recipient, error.Code);
        }
    }

    private async Task RecordAsync(GrainReference<IRecipientGrain> recipient, int code)
    {
        try
        {
            await recipient.RecordOutcomeAsync(code, _time.GetUtcNow()).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            NotRecorded(_logger, ex, recipient.Key, code);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Recipient {RecipientKey}: error {Code} from upstream could not be recorded")]
    private static partial void NotRecorded(ILogger logger, Exception exception, string recipientKey, int code);
}
