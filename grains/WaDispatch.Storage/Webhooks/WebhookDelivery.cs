namespace WaDispatch.Storage.Webhooks;

/// <summary>One webhook delivery as received.</summary>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Body">Its exact bytes.</param>
public sealed record WebhookDelivery(DateTimeOffset ReceivedAt, byte[] Body);
