using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of a <c>template_category_update</c> change.</summary>
public sealed record TemplateCategoryUpdateValue
{
    /// <summary>The template id.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? MessageTemplateId { get; init; }

    /// <summary>The template name.</summary>
    public string? MessageTemplateName { get; init; }

    /// <summary>The template language.</summary>
    public string? MessageTemplateLanguage { get; init; }

    /// <summary>The category before.</summary>
    public string? PreviousCategory { get; init; }

    /// <summary>The category now.</summary>
    public string? NewCategory { get; init; }

    /// <summary>The category Meta will apply, when announced ahead.</summary>
    public string? CorrectCategory { get; init; }
}
