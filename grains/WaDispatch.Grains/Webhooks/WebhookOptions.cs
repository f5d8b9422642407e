namespace WaDispatch.Grains.Webhooks;

/// <summary>Settings of the webhook receiver (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>The Meta app secret that signs webhook bodies (<c>X-Hub-Signature-256</c>). Never logged.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The token Meta echoes when verifying the subscription (<c>hub.verify_token</c>).</summary>
    public string? VerifyToken { get; set; }
}
