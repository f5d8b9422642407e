namespace WaDispatch.Storage.Webhooks;

/// <summary>A delivery in the inbox, with its row id.</summary>
/// <param name="Id">The inbox row.</param>
/// <param name="Delivery">The delivery.</param>
public sealed record StoredWebhook(long Id, WebhookDelivery Delivery);
