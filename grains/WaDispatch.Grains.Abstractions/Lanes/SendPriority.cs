using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// The lane's priority classes, served strictly in this order: a reply or a one-time password never
/// waits behind a marketing backlog.
/// </summary>
public enum SendPriority
{
    /// <summary>Replies inside a customer-service window and authentication sends: someone is waiting.</summary>
    [JsonStringEnumMemberName("reply")]
    Reply = 0,

    /// <summary>Utility sends (order updates, receipts, alerts).</summary>
    [JsonStringEnumMemberName("transactional")]
    Transactional = 1,

    /// <summary>Marketing and bulk campaigns.</summary>
    [JsonStringEnumMemberName("bulk")]
    Bulk = 2,
}
