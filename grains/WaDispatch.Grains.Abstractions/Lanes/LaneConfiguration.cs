namespace WaDispatch.Grains.Lanes;

/// <summary>A lane's configuration as an operator sets it (<c>PUT /v1/phone-numbers/{id}</c>).</summary>
/// <param name="ThroughputMps">Messages per second: 20, 80, 250, 350, 500, 1,000 or a custom value; null for the default.</param>
/// <param name="BusinessId">The business portfolio the number belongs to.</param>
/// <param name="DisplayPhoneNumber">The number as users see it.</param>
/// <param name="TokenReference">The name of the access token to send with.</param>
/// <param name="WabaId">The WhatsApp Business Account whose templates the number sends.</param>
[GenerateSerializer]
[Alias("wadispatch.LaneConfiguration")]
public sealed record LaneConfiguration(int? ThroughputMps, string? BusinessId, string? DisplayPhoneNumber, string? TokenReference, string? WabaId = null)
{
    /// <summary>The largest tier accepted: far above any Meta grants today, low enough to catch a typo.</summary>
    public const int MaxThroughputMps = 100_000;
}
