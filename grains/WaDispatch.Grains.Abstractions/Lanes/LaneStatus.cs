using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Lanes;

/// <summary>Whether a lane sends.</summary>
public enum LaneStatus
{
    /// <summary>Sending as fast as its tier allows.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Held for a while by the platform (maintenance, API rate limit); resumes by itself.</summary>
    [JsonStringEnumMemberName("paused")]
    Paused,

    /// <summary>Stopped on an account or token problem until an operator resumes it; sends wait, and expire.</summary>
    [JsonStringEnumMemberName("stopped")]
    Stopped,
}
