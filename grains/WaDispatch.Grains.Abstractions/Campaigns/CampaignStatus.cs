using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Campaigns;

/// <summary>Where a campaign is in its life.</summary>
public enum CampaignStatus
{
    /// <summary>Waiting for its start time.</summary>
    [JsonStringEnumMemberName("scheduled")]
    Scheduled,

    /// <summary>Sending.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Paused by a caller or because its template was paused or disabled; nothing new is sent until resumed.</summary>
    [JsonStringEnumMemberName("paused")]
    Paused,

    /// <summary>Every recipient has an end: sent, failed, skipped or expired.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>Cancelled: recipients not yet sent to never will be.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>Its expiry passed before every recipient was sent to.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,
}
