using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.CloudApi.Validation;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;

namespace WaDispatch.Grains.Dispatch;

/// <summary>
/// Admits one message on its way to its lane: validation → the template catalog → the recipient's rules (window,
/// opt-outs, marketing cap, pair rate) → the messaging limit (durably counted first). A message bound to fail never
/// reaches Meta. Stateless: every fact it consults lives in a grain.
/// </summary>
public sealed partial class MessageDispatcher
{
    /// <summary>When a send whose budget count could not be committed may try again.</summary>
    private static readonly TimeSpan CommitRetry = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly LaneRoutes _routes;
    private readonly TimeProvider _time;
    private readonly ILogger<MessageDispatcher> _logger;

    /// <summary>Creates the dispatcher.</summary>
    public MessageDispatcher(IGrainFactory grains, LaneRoutes routes, TimeProvider time, ILogger<MessageDispatcher> logger)
    {
        _grains = grains;
        _routes = routes;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Takes <paramref name="request"/> through validation, the template catalog, the recipient's rules and the
    /// messaging limit (the count durable before it answers): the send for the number's lane, or why it may not go.
    /// The lane records how an admitted send ends, and tells the recipient and the business.
    /// </summary>
    public async Task<Admission> AdmitAsync(DispatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lane = _grains.Reference<IPhoneNumberGrain>(request.PhoneNumberId);
        if (SendMessageValidator.Validate(request.Message) is { } invalid)
        {
            return Refused(lane, request, new DispatchResult(DispatchStatus.Refused, Error: invalid));
        }

        if (string.Equals(request.Message.Type, MessageTypes.Template, StringComparison.Ordinal) != (request.Category != MessageCategory.Service))
        {
            return Refused(lane, request, new DispatchResult(DispatchStatus.Refused, Error: CloudApiError.Create(
                ErrorCodes.InvalidParameter,
                "Invalid parameter",
                $"category {request.Category.ToString().ToUpperInvariant()} does not fit a '{request.Message.Type}' message: templates are MARKETING, UTILITY or AUTHENTICATION; other messages are SERVICE.")));
        }

        var waId = PhoneNumbers.Digits(request.Message.To!);
        var route = await _routes.GetAsync(request.PhoneNumberId).ConfigureAwait(false);
        if (await LookUpAsync(route.WabaId, request.Message).ConfigureAwait(false) is (var lookup, var template, var wabaId))
        {
            // The catalog knows the template's category and shape; the caller's word does not count.
            if (lookup.Template is { } stored)
            {
                if (TemplateCheck.Check(stored, template) is { } misfit)
                {
                    return Refused(lane, request, new DispatchResult(DispatchStatus.Refused, Error: misfit));
                }

                request = request with { Category = CategoryOf(stored.Category) ?? request.Category };
            }
            else if (lookup.Synced)
            {
                return Refused(lane, request, new DispatchResult(DispatchStatus.Refused, Error: CloudApiError.Create(
                    ErrorCodes.TemplateDoesNotExist,
                    "Template name does not exist in the translation",
                    $"Template {template.Name} ({template.Language!.Code}) is not in the catalog of WABA {wabaId}.")));
            }
            else
            {
                // Not synced yet: Meta decides, rather than all template traffic stopping at start-up.
                Log.TemplateUnchecked(_logger, template.Name!, wabaId);
            }
        }

        var recipient = _grains.Reference<IRecipientGrain>(RecipientKey.Of(request.PhoneNumberId, waId));
        var admission = await recipient.AdmitAsync(new RecipientSend(request.Category, request.Origin, request.ExpiresAt)).ConfigureAwait(false);
        switch (admission.Verdict)
        {
            case RecipientVerdict.Skipped:
                return Refused(lane, request, new DispatchResult(DispatchStatus.Skipped, SkipReason: admission.SkipReason));
            case RecipientVerdict.Deferred:
                return Refused(lane, request, new DispatchResult(DispatchStatus.Deferred, Error: admission.Error ?? CloudApiError.Create(ErrorCodes.MarketingCapReached, "Per-user marketing limit", "Meta's per-user marketing limit was reached for this user; the message waits."), RetryAt: admission.RetryAt));
            case RecipientVerdict.Expired:
                return Refused(lane, request, new DispatchResult(DispatchStatus.Expired, Error: admission.Error, RetryAt: admission.RetryAt));
            case RecipientVerdict.Refused:
                return Refused(lane, request, new DispatchResult(DispatchStatus.Refused, Error: admission.Error, RetryAt: admission.RetryAt));
        }

        BudgetDecision budget;
        try
        {
            // Completes once the count is durable: a crash never forgets a recipient reached.
            budget = await _grains.Reference<IBusinessGrain>(route.BusinessId).ChargeAsync(new BudgetCharge(request.PhoneNumberId, waId, admission.WindowOpen, request.Origin)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.BudgetNotCommitted(_logger, ex, request.Id);
            var retryAt = _time.GetUtcNow() + CommitRetry;
            return Refused(lane, request, request.Origin == SendOrigin.Campaign
                ? new DispatchResult(DispatchStatus.Deferred, RetryAt: retryAt)
                : new DispatchResult(DispatchStatus.Refused, Error: CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch could not record the recipient against the messaging limit; nothing was sent. Retry shortly."), RetryAt: retryAt));
        }

        if (!budget.MaySend)
        {
            return Refused(lane, request, budget.Verdict == BudgetVerdict.Deferred
                ? new DispatchResult(DispatchStatus.Deferred, Error: budget.Error, RetryAt: budget.RetryAt)
                : new DispatchResult(DispatchStatus.Refused, Error: budget.Error, RetryAt: budget.RetryAt));
        }

        // A free-form message must be out while the window is open.
        var expiresAt = !admission.WindowOpen || request.Category != MessageCategory.Service || admission.WindowOpenUntil is not { } until || until > request.ExpiresAt
            ? request.ExpiresAt
            : until;
        var send = new LaneSend
        {
            MessageId = request.Id,
            Request = request.Message,
            Priority = ClassOf(request),
            ExpiresAt = expiresAt,
            Flow = request.CampaignId ?? string.Empty,
            NotBefore = admission.NotBefore,
            WaId = waId,
            BusinessId = budget.Verdict == BudgetVerdict.Charged ? route.BusinessId : null,
            WindowOpenUntil = admission.WindowOpenUntil,
            Recorded = request.Recorded,
            Direct = request.Direct,
            CampaignId = request.CampaignId,
            TraceParent = request.TraceParent,
        };
        return new Admission(lane, send, null, send.Priority);
    }

    /// <summary>
    /// The class a template of <paramref name="wabaId"/> goes in, by its category in the WABA's catalog (authentication,
    /// utility, marketing); marketing when the catalog does not know it, or the number has no WABA — as admission takes it.
    /// </summary>
    public async Task<SendPriority> TemplatePriorityAsync(string? wabaId, SendMessageRequest message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return await LookUpAsync(wabaId, message).ConfigureAwait(false) is ({ Template: { } stored }, _, _) && CategoryOf(stored.Category) is { } category
            ? PriorityOf(category)
            : SendPriority.Bulk;
    }

    /// <summary>
    /// The message's template in the catalog of <paramref name="wabaId"/>, with the template asked for and the WABA;
    /// null when it names no template in a language, or there is no WABA to ask.
    /// </summary>
    private async ValueTask<(TemplateLookup Found, TemplateContent Template, string WabaId)?> LookUpAsync(string? wabaId, SendMessageRequest message) =>
        message is { Type: MessageTypes.Template, Template: { Name: { } name, Language.Code: { } language } template } && wabaId is not null
            ? (await _grains.Reference<ITemplateCatalogGrain>(wabaId).LookupAsync(name, language).ConfigureAwait(false), template, wabaId)
            : null;

    private static Admission Refused(IPhoneNumberGrain lane, DispatchRequest request, DispatchResult refusal) => new(lane, null, refusal, ClassOf(request));

    /// <summary>The class a request goes in: the one its caller gave (a campaign's), else its category's.</summary>
    private static SendPriority ClassOf(DispatchRequest request) => request.Priority ?? PriorityOf(request.Category);

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

    private static partial class Log
    {
        [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Message {MessageId}: its messaging-limit count could not be committed; not sent")]
        public static partial void BudgetNotCommitted(ILogger logger, Exception exception, string messageId);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Template {Template} sent unchecked: the catalog of WABA {WabaId} has not synced yet")]
        public static partial void TemplateUnchecked(ILogger logger, string template, string wabaId);
    }
}
