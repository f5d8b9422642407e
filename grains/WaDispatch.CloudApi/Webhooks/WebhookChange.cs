using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>
/// One change: a webhook field and its value. The value's shape depends on the field, so it is kept as
/// JSON and read with the typed reader for that field; unknown fields are kept, never fatal.
/// </summary>
public sealed record WebhookChange
{
    /// <summary>The field; see <see cref="WebhookFields"/>.</summary>
    public string? Field { get; init; }

    /// <summary>The field's value, as received.</summary>
    public JsonElement Value { get; init; }

    /// <summary>Reads the value of a <c>messages</c> change: inbound messages, statuses and errors.</summary>
    public MessagesValue? ReadMessages() => Read(CloudApiJsonContext.Wire.MessagesValue);

    /// <summary>Reads the value of a <c>user_preferences</c> change.</summary>
    public UserPreferencesValue? ReadUserPreferences() => Read(CloudApiJsonContext.Wire.UserPreferencesValue);

    /// <summary>Reads the value of a <c>phone_number_quality_update</c> change.</summary>
    public PhoneNumberQualityUpdateValue? ReadPhoneNumberQualityUpdate() => Read(CloudApiJsonContext.Wire.PhoneNumberQualityUpdateValue);

    /// <summary>Reads the value of a <c>business_capability_update</c> change.</summary>
    public BusinessCapabilityUpdateValue? ReadBusinessCapabilityUpdate() => Read(CloudApiJsonContext.Wire.BusinessCapabilityUpdateValue);

    /// <summary>Reads the value of a <c>message_template_status_update</c> change.</summary>
    public MessageTemplateStatusUpdateValue? ReadMessageTemplateStatusUpdate() => Read(CloudApiJsonContext.Wire.MessageTemplateStatusUpdateValue);

    /// <summary>Reads the value of a <c>template_category_update</c> change.</summary>
    public TemplateCategoryUpdateValue? ReadTemplateCategoryUpdate() => Read(CloudApiJsonContext.Wire.TemplateCategoryUpdateValue);

    /// <summary>Reads the value of an <c>account_update</c> change.</summary>
    public AccountUpdateValue? ReadAccountUpdate() => Read(CloudApiJsonContext.Wire.AccountUpdateValue);

    /// <summary>Reads the value of an <c>account_review_update</c> change.</summary>
    public AccountReviewUpdateValue? ReadAccountReviewUpdate() => Read(CloudApiJsonContext.Wire.AccountReviewUpdateValue);

    /// <summary>Reads the value of a <c>phone_number_name_update</c> change.</summary>
    public PhoneNumberNameUpdateValue? ReadPhoneNumberNameUpdate() => Read(CloudApiJsonContext.Wire.PhoneNumberNameUpdateValue);

    /// <summary>Reads the value of an <c>account_alerts</c> change.</summary>
    public AccountAlertsValue? ReadAccountAlerts() => Read(CloudApiJsonContext.Wire.AccountAlertsValue);

    private T? Read<T>(JsonTypeInfo<T> typeInfo) where T : class =>
        Value.ValueKind == JsonValueKind.Object ? Value.Deserialize(typeInfo) : null;
}
