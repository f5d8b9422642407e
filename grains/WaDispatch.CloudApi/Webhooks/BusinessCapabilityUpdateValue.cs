using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of a <c>business_capability_update</c> change: the business's new limits.</summary>
public sealed record BusinessCapabilityUpdateValue
{
    /// <summary>Older per-number messaging limit.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? MaxDailyConversationPerPhone { get; init; }

    /// <summary>How many numbers the business may register.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? MaxPhoneNumbersPerBusiness { get; init; }

    /// <summary>The portfolio's messaging limit, e.g. <c>TIER_2K</c> or a number.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? MaxDailyConversationsPerBusiness { get; init; }
}
