namespace WaDispatch.Simulator.Webhooks;

/// <summary>Webhook delivery counters.</summary>
/// <param name="Delivered">Deliveries the receiver acknowledged.</param>
/// <param name="FailedAttempts">Attempts the receiver failed or did not answer.</param>
/// <param name="Abandoned">Webhooks given up after the last attempt.</param>
/// <param name="Pending">Webhooks waiting for their delay or a retry.</param>
/// <param name="Unsubscribed">Webhooks not sent because the app was not subscribed to the WABA.</param>
public sealed record WebhookStats(long Delivered, long FailedAttempts, long Abandoned, long Pending, long Unsubscribed = 0);
