namespace WaDispatch.Grains.Wabas;

/// <summary>What a WABA's grain persists.</summary>
public sealed class WabaState
{
    /// <summary>Its numbers known to WaDispatch.</summary>
    public List<string> PhoneNumberIds { get; set; } = [];

    /// <summary>The app's subscription on it.</summary>
    public WabaSubscription Subscription { get; set; } = new();

    /// <summary>The WABA's own callback an operator subscribed with, kept to subscribe it again the same way.</summary>
    public WabaCallback? Callback { get; set; }

    /// <summary>What Meta's account webhooks said.</summary>
    public WabaAccount Account { get; set; } = new();

    /// <summary>When the management calls of the last hour were made, oldest first.</summary>
    public List<DateTimeOffset> Calls { get; set; } = [];
}
