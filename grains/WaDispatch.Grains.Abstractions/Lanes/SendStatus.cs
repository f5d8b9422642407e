using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Lanes;

/// <summary>How a send left the lane.</summary>
public enum SendStatus
{
    /// <summary>Meta accepted it; the outcome carries the <c>wamid</c>.</summary>
    [JsonStringEnumMemberName("sent")]
    Sent,

    /// <summary>Meta refused it for good, or its outcome is unknown and retrying could send it twice.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>It could not be sent before its expiry; it was never accepted by Meta.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>The lane shut down before sending it; it was never accepted by Meta and may be sent again.</summary>
    [JsonStringEnumMemberName("abandoned")]
    Abandoned,
}
