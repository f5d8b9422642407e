using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>
/// The value of a <c>phone_number_quality_update</c> change. Events: <c>ONBOARDING</c> and
/// <c>THROUGHPUT_UPGRADE</c> today; <c>UPGRADE</c>, <c>DOWNGRADE</c>, <c>FLAGGED</c>, <c>UNFLAGGED</c> in
/// older material. Limits arrive as tier names (<c>TIER_10K</c>) or numbers, kept as text.
/// </summary>
public sealed record PhoneNumberQualityUpdateValue
{
    /// <summary>The number as shown.</summary>
    public string? DisplayPhoneNumber { get; init; }

    /// <summary>What happened.</summary>
    public string? Event { get; init; }

    /// <summary>The limit now, e.g. <c>TIER_10K</c>.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? CurrentLimit { get; init; }

    /// <summary>The limit before.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? OldLimit { get; init; }

    /// <summary>Older per-number limit field.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? MaxDailyConversationPerPhone { get; init; }

    /// <summary>The business-level limit.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? MaxDailyConversationsPerBusiness { get; init; }
}
