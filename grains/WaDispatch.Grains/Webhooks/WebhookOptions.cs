namespace WaDispatch.Grains.Webhooks;

/// <summary>Settings of the webhook receiver and of the app's webhook subscriptions (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>The Meta app secret that signs webhook bodies (<c>X-Hub-Signature-256</c>). Never logged.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The token Meta echoes when verifying the subscription (<c>hub.verify_token</c>).</summary>
    public string? VerifyToken { get; set; }

    /// <summary>
    /// The Meta app id whose subscription on each WABA WaDispatch checks. Unset, any subscribed app counts as
    /// subscribed — set it when several apps may be subscribed to the same WABA.
    /// </summary>
    public string? AppId { get; set; }

    /// <summary>How often every known WABA's subscription is checked (and at start-up). Default 1 h.</summary>
    public TimeSpan SubscriptionCheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Subscribe the app when a check finds it missing (unless an operator unsubscribed it). Default on.</summary>
    public bool SubscribeOnStart { get; set; } = true;

    /// <summary>
    /// The most management calls WaDispatch makes on one WABA in a moving hour. Meta allows about 200 per app and WABA
    /// (5,000 for an active WABA); the default 100 leaves room for the business's other tools.
    /// </summary>
    public int ManagementCallsPerHour { get; set; } = 100;

    /// <summary>When Meta's usage headers report at least this percentage, management calls on the WABA wait. Default 80.</summary>
    public int UsageBackoffPercent { get; set; } = 80;

    /// <summary>How long management calls wait after throttling or high usage when Meta names no time. Default 15 min.</summary>
    public TimeSpan ManagementBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Mutual TLS on the webhook receiver.</summary>
    public MutualTlsOptions MutualTls { get; set; } = new();
}

/// <summary>
/// Mutual TLS on the webhook receiver (<c>Webhooks:MutualTls</c>): an HTTPS endpoint of its own that requires Meta's
/// client certificate, validated against a trust bundle and a subject name.
/// </summary>
public sealed class MutualTlsOptions
{
    /// <summary>The default subject common name of Meta's webhook client certificates.</summary>
    public const string MetaSubjectName = "client.webhooks.fbcdn.net";

    /// <summary>Serve <c>/webhooks/whatsapp</c> only on the mutual-TLS endpoint. Default off.</summary>
    public bool Enabled { get; set; }

    /// <summary>The HTTPS port of the mutual-TLS endpoint. Default 8443.</summary>
    public int Port { get; set; } = 8443;

    /// <summary>The server certificate (PEM), publicly trusted in production: Meta refuses self-signed ones.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The server certificate's private key (PEM); unset when <see cref="CertificatePath"/> holds it.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The certificate authorities a client certificate must chain to (PEM, several allowed: Meta's old and new CA side by side).</summary>
    public string? TrustBundlePath { get; set; }

    /// <summary>The subject common name a client certificate must carry. Default <c>client.webhooks.fbcdn.net</c>.</summary>
    public string SubjectName { get; set; } = MetaSubjectName;
}
