namespace WaDispatch.Grains.Campaigns;

/// <summary>A campaign as its grain knows it: its state, and the rate its recipients are handed to the lane at.</summary>
/// <param name="State">The campaign.</param>
/// <param name="RateMps">Recipients handed over per second, over the last seconds.</param>
[GenerateSerializer]
[Alias("wadispatch.CampaignProgress")]
[Immutable]
public sealed record CampaignProgress(CampaignState State, long RateMps);
