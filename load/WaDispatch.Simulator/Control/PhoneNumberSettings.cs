namespace WaDispatch.Simulator.Control;

/// <summary>Body of <c>PUT /_sim/phone-numbers/{id}</c>.</summary>
public sealed record PhoneNumberSettings
{
    /// <summary>The number's throughput.</summary>
    public int? MessagesPerSecond { get; init; }

    /// <summary>Whether the number's messages get status webhooks (default true); false measures the bare request cost.</summary>
    public bool? StatusWebhooks { get; init; }
}
