namespace WaDispatch.CloudApi.Management;

/// <summary>
/// WABA management calls: the app's webhook subscription on a WhatsApp Business Account
/// (<c>/{version}/{waba_id}/subscribed_apps</c>). These fall under Meta's management rate limit, not the
/// messaging throughput, and travel on a connection pool of their own. Outcomes — success, throttling,
/// errors — are results; only cancellation throws.
/// </summary>
public interface IWabaManagement
{
    /// <summary>Lists the apps subscribed to <paramref name="wabaId"/> (<c>GET …/subscribed_apps</c>).</summary>
    /// <param name="wabaId">The WhatsApp Business Account.</param>
    /// <param name="tokenReference">Which configured access token to use; null for the WABA's entry, then the default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ManagementResult> ListSubscribedAppsAsync(string wabaId, string? tokenReference = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes the app to <paramref name="wabaId"/> (<c>POST …/subscribed_apps</c>), optionally sending its
    /// webhooks to <see cref="WebhookOverride.CallbackUri"/>, which Meta verifies with the <c>hub.challenge</c>
    /// handshake before it answers.
    /// </summary>
    /// <param name="wabaId">The WhatsApp Business Account.</param>
    /// <param name="callback">Another callback URL for this WABA's webhooks, with its verify token; null for the app's own.</param>
    /// <param name="tokenReference">Which configured access token to use; null for the WABA's entry, then the default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ManagementResult> SubscribeAppAsync(string wabaId, WebhookOverride? callback = null, string? tokenReference = null, CancellationToken cancellationToken = default);

    /// <summary>Unsubscribes the app from <paramref name="wabaId"/> (<c>DELETE …/subscribed_apps</c>).</summary>
    /// <param name="wabaId">The WhatsApp Business Account.</param>
    /// <param name="tokenReference">Which configured access token to use; null for the WABA's entry, then the default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ManagementResult> UnsubscribeAppAsync(string wabaId, string? tokenReference = null, CancellationToken cancellationToken = default);
}
