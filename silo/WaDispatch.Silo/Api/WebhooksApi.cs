using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Validation;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Runtime;

namespace WaDispatch.Silo.Api;

/// <summary>
/// Meta's webhooks (<c>/webhooks/whatsapp</c>): subscription verification, signature check over the exact
/// bytes, then each change to the grains it concerns. The grains' updates are idempotent and ordered by
/// the events' own times, so Meta's retries and reordering are harmless.
/// </summary>
internal static class WebhooksApi
{
    /// <summary>The path Meta posts to.</summary>
    public const string Path = "/webhooks/whatsapp";

    private const int MaxBodyBytes = 4 << 20;

    /// <summary>What Meta's automatic throughput upgrade gives a number today.</summary>
    private const int UpgradedThroughputMps = 1000;

    /// <summary>Maps <c>GET</c> (verification) and <c>POST</c> (events) on <see cref="Path"/>.</summary>
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Verify);
        routes.MapPost(Path, ReceiveAsync);
        return routes;
    }

    private static IResult Verify(HttpRequest request, IOptionsMonitor<WebhookOptions> options)
    {
        var query = request.Query;
        var expected = options.CurrentValue.VerifyToken;
        return query["hub.mode"] == "subscribe" && !string.IsNullOrEmpty(expected) && query["hub.verify_token"] == expected
            ? Results.Text(query["hub.challenge"].ToString())
            : Results.StatusCode(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, IOptionsMonitor<WebhookOptions> options, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return ApiErrors.InvalidParameter($"The webhook body is {request.ContentLength} bytes; the limit is {MaxBodyBytes}.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (options.CurrentValue.AppSecret is not { Length: > 0 } secret || !WebhookSignature.Verify(body.Span, request.Headers[WebhookSignature.HeaderName], secret))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        WebhookPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(body.Span, CloudApiJsonContext.Wire.WebhookPayload);
        }
        catch (JsonException)
        {
            return ApiErrors.InvalidParameter("The webhook body is not a valid webhook payload.");
        }

        foreach (var (entry, change) in payload?.Entry?.Where(e => e is not null).SelectMany(e => (e.Changes ?? []).Select(c => (e, c))) ?? [])
        {
            try
            {
                switch (change?.Field)
                {
                    case WebhookFields.MessageTemplateStatusUpdate when change.ReadMessageTemplateStatusUpdate() is { MessageTemplateName.Length: > 0, MessageTemplateLanguage.Length: > 0, Event.Length: > 0 } update
                        && entry.Id is { Length: > 0 } waba && Time(entry.Time) is { } at && TemplateStatusOf(update.Event) is { } status:
                        await grains.GetGrain<ITemplateCatalogGrain>(waba).ApplyStatusAsync(update.MessageTemplateName, update.MessageTemplateLanguage, status, at);
                        break;
                    case WebhookFields.PhoneNumberQualityUpdate when change.ReadPhoneNumberQualityUpdate() is { DisplayPhoneNumber: { Length: > 0 } display } update:
                        await QualityUpdateAsync(grains, display, update);
                        break;
                    case WebhookFields.TemplateCategoryUpdate when change.ReadTemplateCategoryUpdate() is { MessageTemplateName.Length: > 0, MessageTemplateLanguage.Length: > 0, NewCategory.Length: > 0 } update
                        && entry.Id is { Length: > 0 } waba && Time(entry.Time) is { } at:
                        await grains.GetGrain<ITemplateCatalogGrain>(waba).ApplyCategoryAsync(update.MessageTemplateName, update.MessageTemplateLanguage, update.NewCategory, at);
                        break;
                    case WebhookFields.Messages when change.ReadMessages() is { Metadata.PhoneNumberId: { Length: > 0 } number } value:
                        await MessagesAsync(grains, number, value);
                        break;
                    case WebhookFields.UserPreferences when change.ReadUserPreferences() is { Metadata.PhoneNumberId: { Length: > 0 } number } value:
                        await PreferencesAsync(grains, number, value);
                        break;
                }
            }
            catch (JsonException ex)
            {
                // One change Meta shaped unexpectedly must not make Meta retry the whole delivery for a week.
                WebhookLog.ChangeSkipped(loggers.CreateLogger(typeof(WebhooksApi).FullName!), change?.Field, ex.Message);
            }
        }

        return Results.Ok();
    }

    private static async Task MessagesAsync(IGrainFactory grains, string phoneNumberId, MessagesValue value)
    {
        if (value.Messages is { Count: > 0 } messages)
        {
            var lane = grains.GetGrain<IPhoneNumberGrain>(phoneNumberId);
            await lane.RecordInboundAsync(messages.Count);
            var keywords = await grains.GetGrain<IBusinessGrain>((await lane.GetRouteAsync()).BusinessId).GetKeywordPolicyAsync();
            foreach (var message in messages.Where(m => m is not null))
            {
                if (message is { Id: { } id } && WaId(message.From) is { } from && Time(message.Timestamp) is { } sentAt)
                {
                    var recipient = grains.GetGrain<IRecipientGrain>(RecipientKey.Of(phoneNumberId, from));
                    await recipient.RecordInboundAsync(new UserMessage(id, sentAt, message.Text?.Body), keywords);
                }
            }
        }

        foreach (var status in (value.Statuses ?? []).Where(s => s is not null))
        {
            if (status is { Status: "failed", Errors: [{ } error, ..] } && WaId(status.RecipientId) is { } waId && Time(status.Timestamp) is { } at)
            {
                await grains.GetGrain<IRecipientGrain>(RecipientKey.Of(phoneNumberId, waId)).RecordOutcomeAsync(error.Code, at);
            }
        }
    }

    /// <summary>
    /// A throughput upgrade raises the number's lane to 1,000 mps; a new messaging limit becomes its
    /// business's tier. The number is found by its display number, as configured with the lane.
    /// </summary>
    private static async Task QualityUpdateAsync(IGrainFactory grains, string displayPhoneNumber, PhoneNumberQualityUpdateValue update)
    {
        if (PhoneNumbers.Digits(displayPhoneNumber) is not { Length: > 0 } digits
            || await grains.GetGrain<IPhoneNumberDirectoryGrain>(digits).GetAsync() is not { } phoneNumberId)
        {
            return;
        }

        var lane = grains.GetGrain<IPhoneNumberGrain>(phoneNumberId);
        if (string.Equals(update.Event, "THROUGHPUT_UPGRADE", StringComparison.OrdinalIgnoreCase))
        {
            await lane.SetThroughputAsync(UpgradedThroughputMps);
        }

        if (MessagingLimitTiers.TryParse(update.CurrentLimit, out var tier))
        {
            await grains.GetGrain<IBusinessGrain>((await lane.GetRouteAsync()).BusinessId).SetTierAsync(tier);
        }
    }

    private static async Task PreferencesAsync(IGrainFactory grains, string phoneNumberId, UserPreferencesValue value)
    {
        foreach (var preference in (value.UserPreferences ?? []).Where(p => p is not null))
        {
            if (preference is { Category: "marketing_messages", Value: "stop" or "resume" } && WaId(preference.WaId) is { } waId && Time(preference.Timestamp) is { } at)
            {
                await grains.GetGrain<IRecipientGrain>(RecipientKey.Of(phoneNumberId, waId)).RecordMarketingPreferenceAsync(preference.Value == "stop", at);
            }
        }
    }

    /// <summary>
    /// The status a template event leaves: <c>REINSTATED</c> is approved again; <c>FLAGGED</c> warns of a
    /// coming pause and changes nothing yet; other events name the status.
    /// </summary>
    private static string? TemplateStatusOf(string templateEvent) => templateEvent.ToUpperInvariant() switch
    {
        "REINSTATED" => "APPROVED",
        "FLAGGED" => null,
        var other => other,
    };

    /// <summary>A user's WhatsApp id as the dispatcher keys recipients (digits only), or null when it is not one.</summary>
    private static string? WaId(string? raw) => raw is not null && PhoneNumbers.Digits(raw) is { Length: >= 5 and <= 20 } digits ? digits : null;

    /// <summary>Meta's timestamps are Unix seconds as strings.</summary>
    private static DateTimeOffset? Time(string? unixSeconds) =>
        long.TryParse(unixSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
