namespace WaDispatch.Grains.Lanes;

/// <summary>
/// The lane's priority classes, served strictly in this order: a reply or a one-time password never
/// waits behind a marketing backlog.
/// </summary>
public enum SendPriority
{
    /// <summary>Replies inside a customer-service window and authentication sends: someone is waiting.</summary>
    Reply = 0,

    /// <summary>Utility sends (order updates, receipts, alerts).</summary>
    Transactional = 1,

    /// <summary>Marketing and bulk campaigns.</summary>
    Bulk = 2,
}
