namespace WaDispatch.Grains.Messages;

/// <summary>Settings of accepted messages (configuration section <c>Messages</c>).</summary>
public sealed class MessageOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Messages";

    /// <summary>How long a message may wait to be sent when the caller gives no expiry. Default 24 h.</summary>
    public TimeSpan DefaultExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest expiry a caller may give. Default 30 days.</summary>
    public TimeSpan MaxExpiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the Cloud API-compatible route waits for a lane's permit before answering 130429 with
    /// <c>Retry-After</c>. Default 5 s.
    /// </summary>
    public TimeSpan MaxPermitWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many accepted messages may be on their way through recipients, budgets and lanes at once; the
    /// rest wait their turn (durably accepted all the same). Default 50,000.
    /// </summary>
    public int MaxDispatching { get; set; } = 50_000;

    /// <summary>How long a message taken back from a stopped or paused lane waits before it is tried again. Default 30 s.</summary>
    public TimeSpan RequeueDelay { get; set; } = TimeSpan.FromSeconds(30);
}
