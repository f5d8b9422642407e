using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Recipients;

/// <summary>What the recipient's rules say about a send.</summary>
public enum RecipientVerdict
{
    /// <summary>Send it, not before <see cref="RecipientDecision.NotBefore"/> (the pair rate).</summary>
    [JsonStringEnumMemberName("allowed")]
    Allowed,

    /// <summary>A campaign send waits until <see cref="RecipientDecision.RetryAt"/> (the per-user marketing cap).</summary>
    [JsonStringEnumMemberName("deferred")]
    Deferred,

    /// <summary>A campaign send is skipped for good, for <see cref="RecipientDecision.SkipReason"/>.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,

    /// <summary>It cannot go before its expiry.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>A direct send is refused with <see cref="RecipientDecision.Error"/>, and a retry time when one helps.</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,
}
