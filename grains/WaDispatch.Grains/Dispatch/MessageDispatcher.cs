using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.CloudApi.Validation;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Runtime;

namespace WaDispatch.Grains.Dispatch;

/// <summary>
/// Takes one message the whole way: validation → the recipient's rules (window, opt-outs, marketing cap,
/// pair rate) → the messaging limit (durably counted first) → the lane → Meta; then tells the recipient
/// and the budget what happened. A message bound to fail never reaches Meta.
/// </summary>
public sealed partial class MessageDispatcher
{
    /// <summary>When a send whose budget count could not be committed may try again.</summary>
    private static readonly TimeSpan CommitRetry = TimeSpan.FromSeconds(5);

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

    /// <summary>
    /// Dispatches <paramref name="request"/> and waits until it is sent, refused, skipped, deferred or
    /// expired. Cancelling stops the wait, not the send: once in the lane, its outcome is still recorded.
    /// </summary>
    public async Task<DispatchResult> SendAsync(DispatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (SendMessageValidator.Validate(request.Message) is { } invalid)
        {
            return new DispatchResult(DispatchStatus.Refused, Error: invalid);
        }

        if (string.Equals(request.Message.Type, MessageTypes.Template, StringComparison.Ordinal) != (request.Category != MessageCategory.Service))
        {
            return new DispatchResult(DispatchStatus.Refused, Error: CloudApiError.Create(
                ErrorCodes.InvalidParameter,
                "Invalid parameter",
                $"category {request.Category.ToString().ToUpperInvariant()} does not fit a '{request.Message.Type}' message: templates are MARKETING, UTILITY or AUTHENTICATION; other messages are SERVICE."));
        }

        var waId = PhoneNumbers.Digits(request.Message.To!);
        var lane = _grains.GetGrain<IPhoneNumberGrain>(request.PhoneNumberId);
        var route = await lane.GetRouteAsync().ConfigureAwait(false);
        if (request.Message is { Type: MessageTypes.Template, Template: { Name: { } templateName, Language.Code: { } languageCode } template } && route.WabaId is { } wabaId)
        {
            // The catalog knows the template's category and shape; the caller's word does not count.
            var lookup = await _grains.GetGrain<ITemplateCatalogGrain>(wabaId).LookupAsync(templateName, languageCode).ConfigureAwait(false);
            if (lookup.Template is { } stored)
            {
                if (TemplateCheck.Check(stored, template) is { } misfit)
                {
                    return new DispatchResult(DispatchStatus.Refused, Error: misfit);
                }

                request = request with { Category = CategoryOf(stored.Category) ?? request.Category };
            }
            else if (lookup.Synced)
            {
                return new DispatchResult(DispatchStatus.Refused, Error: CloudApiError.Create(
                    ErrorCodes.TemplateDoesNotExist,
                    "Template name does not exist in the translation",
                    $"Template {templateName} ({languageCode}) is not in the catalog of WABA {wabaId}."));
            }
            else
            {
                // Not synced yet: Meta decides, rather than all template traffic stopping at start-up.
                Log.TemplateUnchecked(_logger, templateName, wabaId);
            }
        }

        var recipient = _grains.GetGrain<IRecipientGrain>(RecipientKey.Of(request.PhoneNumberId, waId));
        var admission = await recipient.AdmitAsync(new RecipientSend(request.Category, request.Origin, request.ExpiresAt)).ConfigureAwait(false);
        switch (admission.Verdict)
        {
            case RecipientVerdict.Skipped:
                return new DispatchResult(DispatchStatus.Skipped, SkipReason: admission.SkipReason);
            case RecipientVerdict.Deferred:
                return new DispatchResult(DispatchStatus.Deferred, Error: admission.Error ?? CloudApiError.Create(ErrorCodes.MarketingCapReached, "Per-user marketing limit", "Meta's per-user marketing limit was reached for this user; the message waits."), RetryAt: admission.RetryAt);
            case RecipientVerdict.Expired:
                return new DispatchResult(DispatchStatus.Expired, Error: admission.Error, RetryAt: admission.RetryAt);
            case RecipientVerdict.Refused:
                return new DispatchResult(DispatchStatus.Refused, Error: admission.Error, RetryAt: admission.RetryAt);
        }

        var business = _grains.GetGrain<IBusinessGrain>(route.BusinessId);
        var budget = await business.ChargeAsync(new BudgetCharge(request.PhoneNumberId, waId, admission.WindowOpen, request.Origin)).ConfigureAwait(false);
        if (!budget.MaySend)
        {
            return budget.Verdict == BudgetVerdict.Deferred
                ? new DispatchResult(DispatchStatus.Deferred, Error: budget.Error, RetryAt: budget.RetryAt)
                : new DispatchResult(DispatchStatus.Refused, Error: budget.Error, RetryAt: budget.RetryAt);
        }

        // The count is durable before the message can leave: a crash never forgets a recipient reached.
        try
        {
            await budget.Committed.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.BudgetNotCommitted(_logger, ex, request.Id);
            var retryAt = _time.GetUtcNow() + CommitRetry;
            return request.Origin == SendOrigin.Campaign
                ? new DispatchResult(DispatchStatus.Deferred, RetryAt: retryAt)
                : new DispatchResult(DispatchStatus.Refused, Error: CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch could not record the recipient against the messaging limit; nothing was sent. Retry shortly."), RetryAt: retryAt);
        }

        // A free-form message must be out while the window is open.
        var expiresAt = !admission.WindowOpen || request.Category != MessageCategory.Service || admission.WindowOpenUntil is not { } until || until > request.ExpiresAt
            ? request.ExpiresAt
            : until;
        var send = new OutboundSend(request.Id, request.Message, request.Priority ?? PriorityOf(request.Category), expiresAt, request.Flow)
        {
            NotBefore = admission.NotBefore,
            Departing = request.Departing,
            Retrying = result => TellRecipient(recipient, result),
        };
        await lane.EnqueueAsync(send).ConfigureAwait(false);
        return await FinishAsync(send, request, waId, admission, recipient, business).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the lane's outcome and tells the recipient and the budget, whether or not the caller still waits.</summary>
    private async Task<DispatchResult> FinishAsync(OutboundSend send, DispatchRequest request, string waId, RecipientDecision admission, GrainReference<IRecipientGrain> recipient, GrainReference<IBusinessGrain> business)
    {
        var outcome = await send.Completion.ConfigureAwait(false);
        request.Answered?.Invoke(outcome);
        try
        {
            switch (outcome.Status)
            {
                case SendStatus.Sent:
                    await recipient.RecordOutcomeAsync(0, outcome.CompletedAt).ConfigureAwait(false);

                    // Business-initiated unless it went inside the window, judged at the real send time.
                    if (admission.WindowOpenUntil is not { } until || outcome.CompletedAt >= until)
                    {
                        await business.RecordSentAsync(request.PhoneNumberId, waId, outcome.CompletedAt).ConfigureAwait(false);
                    }

                    break;
                case SendStatus.Failed when outcome.Error is { } error:
                    await recipient.RecordOutcomeAsync(error.Code, outcome.CompletedAt).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex)
        {
            // The send's fate stands; only its bookkeeping failed.
            Log.OutcomeNotRecorded(_logger, ex, request.Id, outcome.Status);
        }

        return outcome.Status switch
        {
            SendStatus.Sent => new DispatchResult(DispatchStatus.Sent, outcome),
            SendStatus.Failed => new DispatchResult(DispatchStatus.Failed, outcome, outcome.Error),
            SendStatus.Expired => new DispatchResult(DispatchStatus.Expired, outcome, outcome.Error),
            _ => new DispatchResult(DispatchStatus.Abandoned, outcome, outcome.Error),
        };
    }

    /// <summary>A catalog category (<c>MARKETING</c>, <c>UTILITY</c>, <c>AUTHENTICATION</c>, any case) as a message category; null for anything else.</summary>
    public static MessageCategory? CategoryOf(string? category) => category?.ToUpperInvariant() switch
    {
        "MARKETING" => MessageCategory.Marketing,
        "UTILITY" => MessageCategory.Utility,
        "AUTHENTICATION" => MessageCategory.Authentication,
        _ => null,
    };

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
            Log.RetryNotRecorded(_logger, ex, recipient.Key, code);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Recipient {RecipientKey}: error {Code} from upstream could not be recorded")]
        public static partial void RetryNotRecorded(ILogger logger, Exception exception, string recipientKey, int code);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Message {MessageId}: its messaging-limit count could not be committed; not sent")]
        public static partial void BudgetNotCommitted(ILogger logger, Exception exception, string messageId);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Template {Template} sent unchecked: the catalog of WABA {WabaId} has not synced yet")]
        public static partial void TemplateUnchecked(ILogger logger, string template, string wabaId);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Message {MessageId} ended {Status}, but recording that with its recipient or budget failed")]
        public static partial void OutcomeNotRecorded(ILogger logger, Exception exception, string messageId, SendStatus status);
    }
}
