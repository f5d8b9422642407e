using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Recipients;

/// <summary>What kind of message a send is: a template's category, or a free-form (service) message.</summary>
public enum MessageCategory
{
    /// <summary>A marketing template: subject to marketing opt-outs and the per-user marketing cap.</summary>
    [JsonStringEnumMemberName("MARKETING")]
    Marketing,

    /// <summary>A utility template.</summary>
    [JsonStringEnumMemberName("UTILITY")]
    Utility,

    /// <summary>An authentication template.</summary>
    [JsonStringEnumMemberName("AUTHENTICATION")]
    Authentication,

    /// <summary>A free-form message (text, media, interactive …): only inside an open customer-service window.</summary>
    [JsonStringEnumMemberName("SERVICE")]
    Service,
}
