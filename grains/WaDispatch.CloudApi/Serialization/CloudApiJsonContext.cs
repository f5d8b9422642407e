using System.Text.Json;
using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Management;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Templates;
using WaDispatch.CloudApi.Webhooks;

namespace WaDispatch.CloudApi.Serialization;

/// <summary>
/// Source-generated JSON for the Cloud API: snake_case as Meta spells it, nulls omitted, unknown
/// properties ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(CloudApiErrorResponse))]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(MessagesValue))]
[JsonSerializable(typeof(UserPreferencesValue))]
[JsonSerializable(typeof(PhoneNumberQualityUpdateValue))]
[JsonSerializable(typeof(BusinessCapabilityUpdateValue))]
[JsonSerializable(typeof(MessageTemplateStatusUpdateValue))]
[JsonSerializable(typeof(TemplateCategoryUpdateValue))]
[JsonSerializable(typeof(AccountUpdateValue))]
[JsonSerializable(typeof(AccountAlertsValue))]
[JsonSerializable(typeof(MessageTemplatePage))]
[JsonSerializable(typeof(MessageTemplate))]
[JsonSerializable(typeof(SubscribedAppsPage))]
[JsonSerializable(typeof(ManagementResult))]
[JsonSerializable(typeof(WebhookOverride))]
[JsonSerializable(typeof(AccountReviewUpdateValue))]
[JsonSerializable(typeof(PhoneNumberNameUpdateValue))]
public sealed partial class CloudApiJsonContext : JsonSerializerContext
{
    private static CloudApiJsonContext? s_wire;
    private static CloudApiJsonContext? s_webhook;

    /// <summary>
    /// The context to read and write the wire format with: like <see cref="Default"/>, but escaping only
    /// what JSON requires, so that <c>+</c>, accents and emoji appear as Meta writes them. Cloud API
    /// bodies are never embedded in HTML, so HTML-safe escaping buys nothing and breaks
    /// byte-compatibility with Meta's examples.
    /// </summary>
    // Built on first use, not in a field initialiser: the generated Default lives in another part of
    // this partial class, and initialisers of different parts run in no defined order.
    public static CloudApiJsonContext Wire => s_wire ??= new(new JsonSerializerOptions(Default.Options) { Encoder = MinimalJsonEncoder.Instance });

    /// <summary>
    /// The context Meta's webhook bodies are written with: every character outside printable ASCII escaped as
    /// <c>\uxxxx</c> (<see cref="AsciiJsonEncoder"/>). The simulator signs bodies written this way, as Meta does.
    /// </summary>
    public static CloudApiJsonContext Webhook => s_webhook ??= new(new JsonSerializerOptions(Default.Options) { Encoder = AsciiJsonEncoder.Instance });
}
