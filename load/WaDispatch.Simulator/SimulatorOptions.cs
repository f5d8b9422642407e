namespace WaDispatch.Simulator;

/// <summary>Settings of the Cloud API simulator (configuration section <c>Simulator</c>).</summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Simulator";

    /// <summary>The Bearer token sends must carry. Default <c>simulator-token</c>.</summary>
    public string AccessToken { get; set; } = "simulator-token";

    /// <summary>Throughput of a number not set through the control API, in messages per second. Default 80.</summary>
    public int DefaultMessagesPerSecond { get; set; } = 80;

    /// <summary>Steady pair rate: one message per this interval to the same user. Default 6 s.</summary>
    public TimeSpan PairInterval { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Messages to one user that may go at once, borrowing from later. Default 45.</summary>
    public int PairBurst { get; set; } = 45;

    /// <summary>How long an inbound message keeps the customer-service window open. Default 24 h.</summary>
    public TimeSpan CustomerServiceWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Template names and their categories; templates not listed count as MARKETING.</summary>
    public Dictionary<string, string> TemplateCategories { get; } = new(StringComparer.Ordinal);

    /// <summary>Where status and inbound webhooks go; none are sent when empty.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The app secret webhooks are signed with. Default <c>simulator-app-secret</c>.</summary>
    public string AppSecret { get; set; } = "simulator-app-secret";

    /// <summary>The WABA id in webhook entries.</summary>
    public string BusinessAccountId { get; set; } = "100000000000001";

    /// <summary>Delay from acceptance to the <c>sent</c> status. Default 50 ms.</summary>
    public TimeSpan SentDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Delay from acceptance to <c>delivered</c>. Default 200 ms.</summary>
    public TimeSpan DeliveredDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Delay from acceptance to <c>read</c>; negative to send no read status. Default 1 s.</summary>
    public TimeSpan ReadDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Share of webhooks delivered twice, 0 to 1. Default 0.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Share of webhooks delayed past later ones (reordering), 0 to 1. Default 0.</summary>
    public double ReorderRate { get; set; }

    /// <summary>Deliveries of one webhook before giving up. Default 8.</summary>
    public int MaxWebhookAttempts { get; set; } = 8;

    /// <summary>Webhooks waiting for delivery at most; past it they are dropped and counted abandoned. Default 100,000.</summary>
    public int MaxPendingWebhooks { get; set; } = 100_000;

    /// <summary>First retry delay of a failed webhook delivery; doubles each time, up to one hour. Default 1 s.</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest accepted request body. Default 1 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 1 << 20;

    /// <summary>
    /// A WABA the app never subscribed to nor unsubscribed from counts as subscribed, so that the zero-configuration run
    /// gets its webhooks. Default on; off to play Meta strictly (no webhooks until <c>POST subscribed_apps</c>).
    /// </summary>
    public bool SubscribedByDefault { get; set; } = true;

    /// <summary>Management calls (<c>subscribed_apps</c>) per WABA and hour that Meta's usage header counts as 100 %. Default 200.</summary>
    public int ManagementCallsPerHour { get; set; } = 200;

    /// <summary>
    /// A client certificate (PEM) presented on webhook deliveries and callback verifications, as Meta does when an app
    /// turns on mutual TLS; unset for none.
    /// </summary>
    public string? WebhookClientCertificatePath { get; set; }

    /// <summary>The private key (PEM) of <see cref="WebhookClientCertificatePath"/>, unless that file holds it.</summary>
    public string? WebhookClientKeyPath { get; set; }

    /// <summary>Certificate authorities (PEM) trusted for the receiver's server certificate besides the system's (test certificates).</summary>
    public string? WebhookServerTrustPath { get; set; }

    /// <summary>Seed of the randomness behind duplicates and reordering, for repeatable runs.</summary>
    public int Seed { get; set; } = 1;
}
