using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Templates;
using WaDispatch.CloudApi.Validation;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Simulator.State;
using WaDispatch.Simulator.Webhooks;

namespace WaDispatch.Simulator;

/// <summary>
/// Meta's Cloud API as a referee: answers sends the way Meta would, enforcing per-number throughput
/// (strict sliding second), the pair rate and the customer-service window, and reports what it saw.
/// </summary>
public sealed class CloudApiSimulator
{
    private readonly ConcurrentDictionary<string, SimulatedPhoneNumber> _numbers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RecipientRule> _rules = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<SimulatorOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly WebhookSender _webhooks;
    private readonly TemplateStore _templates;
    private readonly Lock _randomLock = new();
    private readonly Random _random;
    private readonly string _idPrefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
    private long _sequence;

    /// <summary>Creates the simulator.</summary>
    public CloudApiSimulator(IOptionsMonitor<SimulatorOptions> options, TimeProvider timeProvider, WebhookSender webhooks, TemplateStore templates)
    {
        _templates = templates;
        _options = options;
        _timeProvider = timeProvider;
        _webhooks = webhooks;
        _random = new Random(options.CurrentValue.Seed);
    }

    /// <summary>Handles <c>POST /{version}/{phone_number_id}/messages</c>.</summary>
    public SimulatorReply Send(string phoneNumberId, string? authorization, ReadOnlySpan<byte> body)
    {
        var options = _options.CurrentValue;
        if (authorization != "Bearer " + options.AccessToken)
        {
            return SimulatorReply.Error(401, CloudApiError.Create(ErrorCodes.AccessTokenExpired, "Invalid OAuth access token", "The access token could not be decrypted or is not valid for this phone number."));
        }

        SendMessageRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, CloudApiJsonContext.Wire.SendMessageRequest);
        }
        catch (JsonException ex)
        {
            return SimulatorReply.Error(400, CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", $"The request body is not valid JSON: {ex.Message}"));
        }

        if (request is null)
        {
            return SimulatorReply.Error(400, CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", "The request body must be a JSON object."));
        }

        if (SendMessageValidator.Validate(request) is { } invalid)
        {
            return SimulatorReply.Error(400, invalid);
        }

        var waId = PhoneNumbers.Digits(request.To!);
        var attempt = new SendAttempt(request.To!, waId, request.Type!, request.Template?.Name, request.Template?.Language?.Code, request.BizOpaqueCallbackData, NewMessageId());
        var number = Number(phoneNumberId);
        var verdict = number.TrySend(
            attempt,
            _timeProvider.GetTimestamp(),
            _timeProvider.TimestampFrequency,
            _timeProvider.GetUtcNow(),
            new PairRate(options.PairInterval, options.PairBurst, _timeProvider.TimestampFrequency),
            options.CustomerServiceWindow);

        if (verdict.Scripted is { } scripted)
        {
            return scripted.RawBody is { } raw
                ? new SimulatorReply(scripted.HttpStatus, Encoding.UTF8.GetBytes(raw), "text/html")
                : SimulatorReply.Error(scripted.HttpStatus, CloudApiError.Create(scripted.Code, ErrorClassification.Classify(scripted.Code).Meaning, $"Scripted failure {scripted.Code}."));
        }

        if (verdict.ErrorCode is { } code)
        {
            return SimulatorReply.Error(code is ErrorCodes.RateLimitHit or ErrorCodes.PairRateLimitHit ? 429 : 400, Rejection(code));
        }

        if (number.StatusWebhooks)
        {
            ScheduleStatuses(phoneNumberId, attempt, verdict.MarketingStopped, options);
        }

        var response = new SendMessageResponse
        {
            MessagingProduct = "whatsapp",
            Contacts = [new ResponseContact { Input = request.To, WaId = waId }],
            Messages = [new ResponseMessage { Id = attempt.MessageId, MessageStatus = "accepted" }],
        };
        return new SimulatorReply(200, JsonSerializer.SerializeToUtf8Bytes(response, CloudApiJsonContext.Wire.SendMessageResponse));
    }

    /// <summary>A user messages a business number: opens their window and is delivered as a <c>messages</c> webhook.</summary>
    public string Inbound(string phoneNumberId, string from, string text, DateTimeOffset? sentAt)
    {
        var at = sentAt ?? _timeProvider.GetUtcNow();
        from = PhoneNumbers.Digits(from);
        Number(phoneNumberId).Inbound(from, _timeProvider.GetTimestamp(), _timeProvider.TimestampFrequency, at);
        var id = NewMessageId();
        var value = new MessagesValue
        {
            MessagingProduct = "whatsapp",
            Metadata = Metadata(phoneNumberId),
            Contacts = [new WebhookContact { WaId = from, Profile = new WebhookProfile { Name = "Simulated user " + from } }],
            Messages = [new InboundMessage { From = from, Id = id, Timestamp = Unix(at), Type = "text", Text = new TextContent { Body = text } }],
        };
        EmitWebhook(WebhookFields.Messages, JsonSerializer.SerializeToElement(value, CloudApiJsonContext.Wire.MessagesValue), TimeSpan.Zero);
        return id;
    }

    /// <summary>A user stops or resumes marketing; delivered as a <c>user_preferences</c> webhook.</summary>
    public void SetUserPreference(string phoneNumberId, string waId, bool stop)
    {
        waId = PhoneNumbers.Digits(waId);
        Number(phoneNumberId).SetMarketingStopped(waId, stop);
        var value = new UserPreferencesValue
        {
            MessagingProduct = "whatsapp",
            Metadata = Metadata(phoneNumberId),
            Contacts = [new WebhookContact { WaId = waId }],
            UserPreferences =
            [
                new UserPreference
                {
                    WaId = waId,
                    Category = "marketing_messages",
                    Value = stop ? "stop" : "resume",
                    Detail = stop ? "User requested to stop marketing messages" : "User requested to resume marketing messages",
                    Timestamp = Unix(_timeProvider.GetUtcNow()),
                },
            ],
        };
        EmitWebhook(WebhookFields.UserPreferences, JsonSerializer.SerializeToElement(value, CloudApiJsonContext.Wire.UserPreferencesValue), TimeSpan.Zero);
    }

    /// <summary>Sets a number's throughput.</summary>
    public void SetMessagesPerSecond(string phoneNumberId, int messagesPerSecond) => Number(phoneNumberId).SetMessagesPerSecond(messagesPerSecond);

    /// <summary>Turns a number's status webhooks on or off.</summary>
    public void SetStatusWebhooks(string phoneNumberId, bool on) => Number(phoneNumberId).StatusWebhooks = on;

    /// <summary>Makes the next <paramref name="count"/> sends of a number fail synchronously.</summary>
    public void ScriptFailure(string phoneNumberId, ScriptedFailure failure, int count) => Number(phoneNumberId).Script(failure, count);

    /// <summary>Sets or clears how a user's messages are treated.</summary>
    public void SetRecipientRule(string waId, RecipientRule? rule)
    {
        waId = PhoneNumbers.Digits(waId);
        if (rule is null)
        {
            _rules.TryRemove(waId, out _);
        }
        else
        {
            _rules[waId] = rule;
        }
    }

    /// <summary>
    /// Tells the business a template changed, as Meta does: a <c>message_template_status_update</c> when its
    /// status changed, a <c>template_category_update</c> when its category did.
    /// </summary>
    public void TemplateChanged(MessageTemplate before, MessageTemplate after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (!string.Equals(before.Status, after.Status, StringComparison.Ordinal))
        {
            EmitWebhook(WebhookFields.MessageTemplateStatusUpdate, JsonSerializer.SerializeToElement(
                new MessageTemplateStatusUpdateValue { Event = after.Status, MessageTemplateId = after.Id, MessageTemplateName = after.Name, MessageTemplateLanguage = after.Language, Reason = "NONE" },
                CloudApiJsonContext.Wire.MessageTemplateStatusUpdateValue), TimeSpan.Zero);
        }

        if (!string.Equals(before.Category, after.Category, StringComparison.Ordinal))
        {
            EmitWebhook(WebhookFields.TemplateCategoryUpdate, JsonSerializer.SerializeToElement(
                new TemplateCategoryUpdateValue { MessageTemplateId = after.Id, MessageTemplateName = after.Name, MessageTemplateLanguage = after.Language, PreviousCategory = before.Category, NewCategory = after.Category },
                CloudApiJsonContext.Wire.TemplateCategoryUpdateValue), TimeSpan.Zero);
        }
    }

    /// <summary>A number's statistics.</summary>
    public PhoneNumberStats Stats(string phoneNumberId) => Existing(phoneNumberId).Stats(_timeProvider.GetUtcNow());

    /// <summary>Every message a number accepted, in order.</summary>
    public IReadOnlyList<LedgerEntry> Ledger(string phoneNumberId) => Existing(phoneNumberId).Ledger();

    /// <summary>Webhook delivery counters.</summary>
    public WebhookStats WebhookStats => _webhooks.Stats;

    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static WebhookMetadata Metadata(string phoneNumberId) => new() { DisplayPhoneNumber = "1555" + phoneNumberId[^Math.Min(7, phoneNumberId.Length)..], PhoneNumberId = phoneNumberId };

    private static CloudApiError Rejection(int code) => code switch
    {
        ErrorCodes.RateLimitHit => CloudApiError.Create(code, "Rate limit hit", "Cloud API message throughput has been reached."),
        ErrorCodes.PairRateLimitHit => CloudApiError.Create(code, "(Business Account, Consumer Account) pair rate limit hit", "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."),
        _ => CloudApiError.Create(code, "Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."),
    };

    // Reading about a number the simulator never saw must not make one.
    private SimulatedPhoneNumber Existing(string phoneNumberId) =>
        _numbers.TryGetValue(phoneNumberId, out var number) ? number : new SimulatedPhoneNumber(phoneNumberId, _options.CurrentValue.DefaultMessagesPerSecond);

    private SimulatedPhoneNumber Number(string phoneNumberId) =>
        _numbers.GetOrAdd(phoneNumberId, static (id, defaultMps) => new SimulatedPhoneNumber(id, defaultMps), _options.CurrentValue.DefaultMessagesPerSecond);

    private string NewMessageId()
    {
        var sequence = Interlocked.Increment(ref _sequence);
        return "wamid." + Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"SIM{_idPrefix}{sequence:D12}")));
    }

    private void ScheduleStatuses(string phoneNumberId, SendAttempt attempt, bool marketingStopped, SimulatorOptions options)
    {
        _rules.TryGetValue(attempt.WaId, out var rule);
        var extra = rule?.StatusDelay ?? TimeSpan.Zero;
        var failWith = rule?.FailWith;
        if (failWith is null && marketingStopped && attempt.IsTemplate && IsMarketing(attempt.TemplateName, attempt.TemplateLanguage, options))
        {
            failWith = ErrorCodes.UserStoppedMarketing;
        }

        if (failWith is { } code)
        {
            var action = ErrorClassification.Classify(code);
            var error = new WebhookError { Code = code, Title = action.Meaning, Message = action.Meaning, ErrorData = new CloudApiErrorData { Details = action.Meaning } };
            EmitStatus(phoneNumberId, attempt, "failed", options.SentDelay + extra, [error]);
            return;
        }

        EmitStatus(phoneNumberId, attempt, "sent", options.SentDelay + extra, null);
        EmitStatus(phoneNumberId, attempt, "delivered", options.DeliveredDelay + extra, null);
        if (options.ReadDelay >= TimeSpan.Zero)
        {
            EmitStatus(phoneNumberId, attempt, "read", options.ReadDelay + extra, null);
        }
    }

    /// <summary>The pricing category Meta reports for a send: a template's own category from the template store (else <c>Simulator:TemplateCategories</c>, else marketing); a free-form reply is service.</summary>
    private string Category(SendAttempt attempt) =>
        !attempt.IsTemplate ? "service"
        : (TemplateCategory(attempt.TemplateName, attempt.TemplateLanguage, _options.CurrentValue) ?? "MARKETING").ToLowerInvariant();

    private bool IsMarketing(string? templateName, string? language, SimulatorOptions options) =>
        templateName is null || string.Equals(TemplateCategory(templateName, language, options) ?? "MARKETING", "MARKETING", StringComparison.OrdinalIgnoreCase);

    private string? TemplateCategory(string? name, string? language, SimulatorOptions options) =>
        name is null ? null
        : _templates.CategoryOf(name, language) ?? (options.TemplateCategories.TryGetValue(name, out var category) ? category : null);

    private void EmitStatus(string phoneNumberId, SendAttempt attempt, string status, TimeSpan delay, IReadOnlyList<WebhookError>? errors)
    {
        var value = new MessagesValue
        {
            MessagingProduct = "whatsapp",
            Metadata = Metadata(phoneNumberId),
            Statuses =
            [
                new MessageStatus
                {
                    Id = attempt.MessageId,
                    Status = status,
                    Timestamp = Unix(_timeProvider.GetUtcNow() + delay),
                    RecipientId = attempt.WaId,
                    BizOpaqueCallbackData = attempt.BizOpaqueCallbackData,
                    Pricing = status == "failed" ? null : new StatusPricing { Billable = attempt.IsTemplate, PricingModel = "PMP", Category = Category(attempt), Type = attempt.IsTemplate ? "regular" : "free_customer_service" },
                    Errors = errors,
                },
            ],
        };
        EmitWebhook(WebhookFields.Messages, JsonSerializer.SerializeToElement(value, CloudApiJsonContext.Wire.MessagesValue), delay);
    }

    private void EmitWebhook(string field, JsonElement value, TimeSpan delay)
    {
        var options = _options.CurrentValue;
        if (options.WebhookUrl is null)
        {
            return;
        }

        var payload = new WebhookPayload
        {
            ObjectType = "whatsapp_business_account",
            Entry =
            [
                new WebhookEntry
                {
                    Id = options.BusinessAccountId,
                    Time = _timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                    Changes = [new WebhookChange { Field = field, Value = value }],
                },
            ],
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, CloudApiJsonContext.Webhook.WebhookPayload);
        bool duplicate, reorder;
        lock (_randomLock)
        {
            duplicate = _random.NextDouble() < options.DuplicateRate;
            reorder = _random.NextDouble() < options.ReorderRate;
        }

        // Reordering holds a webhook back past the ones scheduled after it.
        var due = reorder ? delay + options.ReadDelay.Duration() + options.DeliveredDelay + TimeSpan.FromMilliseconds(100) : delay;
        _webhooks.Enqueue(body, due);
        if (duplicate)
        {
            _webhooks.Enqueue(body, due + TimeSpan.FromMilliseconds(10));
        }
    }
}
