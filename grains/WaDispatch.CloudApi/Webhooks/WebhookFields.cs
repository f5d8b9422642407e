namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The webhook fields WaDispatch understands.</summary>
public static class WebhookFields
{
    /// <summary>Inbound messages and message statuses.</summary>
    public const string Messages = "messages";

    /// <summary>Marketing stop/resume per user.</summary>
    public const string UserPreferences = "user_preferences";

    /// <summary>Throughput and messaging-limit changes of a phone number.</summary>
    public const string PhoneNumberQualityUpdate = "phone_number_quality_update";

    /// <summary>A new messaging limit for the business.</summary>
    public const string BusinessCapabilityUpdate = "business_capability_update";

    /// <summary>A template was approved, paused, disabled, …</summary>
    public const string MessageTemplateStatusUpdate = "message_template_status_update";

    /// <summary>A template's category changed.</summary>
    public const string TemplateCategoryUpdate = "template_category_update";

    /// <summary>Account bans, restrictions and violations.</summary>
    public const string AccountUpdate = "account_update";

    /// <summary>The outcome of the WABA's review.</summary>
    public const string AccountReviewUpdate = "account_review_update";

    /// <summary>A decision on a phone number's requested display name.</summary>
    public const string PhoneNumberNameUpdate = "phone_number_name_update";

    /// <summary>Account alerts.</summary>
    public const string AccountAlerts = "account_alerts";
}
