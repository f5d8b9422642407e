namespace WaDispatch.Grains.Messages;

/// <summary>Settings of status callbacks (configuration section <c>Callbacks</c>).</summary>
public sealed class CallbackOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Callbacks";

    /// <summary>The longest callback URL accepted.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>
    /// The key that signs every callback (<c>X-WaDispatch-Signature-256: sha256={HMAC-SHA256 of the body, hex}</c>).
    /// Without it, messages and campaigns with a <c>callback_url</c> are refused. Never logged.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How long a callback is retried after the status change it tells of. Default 24 h.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest wait between two attempts (they double from one second). Default 1 h.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one delivery may take. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many deliveries may be under way at once. Default 32.</summary>
    public int MaxConcurrent { get; set; } = 32;
}
