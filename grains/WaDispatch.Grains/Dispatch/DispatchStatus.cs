using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Dispatch;

/// <summary>How a dispatch ended.</summary>
public enum DispatchStatus
{
    /// <summary>Meta accepted it.</summary>
    [JsonStringEnumMemberName("sent")]
    Sent,

    /// <summary>Meta refused it for good, or its outcome is unknown.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>It could not go before its expiry.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>The lane shut down before it went; it never reached Meta.</summary>
    [JsonStringEnumMemberName("abandoned")]
    Abandoned,

    /// <summary>A campaign send skipped for good (opted out, undeliverable).</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,

    /// <summary>A campaign send to retry at <see cref="DispatchResult.RetryAt"/> (marketing cap, messaging limit).</summary>
    [JsonStringEnumMemberName("deferred")]
    Deferred,

    /// <summary>A direct send refused locally, Meta never called: <see cref="DispatchResult.Error"/> says why.</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,
}
