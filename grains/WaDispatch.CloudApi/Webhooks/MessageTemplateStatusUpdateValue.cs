using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of a <c>message_template_status_update</c> change.</summary>
public sealed record MessageTemplateStatusUpdateValue
{
    /// <summary>APPROVED, REJECTED, PENDING, PAUSED, DISABLED, PENDING_DELETION, FLAGGED, REINSTATED, …</summary>
    public string? Event { get; init; }

    /// <summary>The template id.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? MessageTemplateId { get; init; }

    /// <summary>The template name.</summary>
    public string? MessageTemplateName { get; init; }

    /// <summary>The template language.</summary>
    public string? MessageTemplateLanguage { get; init; }

    /// <summary>Why, e.g. <c>NONE</c> or a rejection reason.</summary>
    public string? Reason { get; init; }

    /// <summary>More about a pause or a disablement.</summary>
    public TemplateStatusOtherInfo? OtherInfo { get; init; }
}

/// <summary>More about a template status change.</summary>
public sealed record TemplateStatusOtherInfo
{
    /// <summary>E.g. <c>FIRST_PAUSE</c>.</summary>
    public string? Title { get; init; }

    /// <summary>The explanation.</summary>
    public string? Description { get; init; }
}
