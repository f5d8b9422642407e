namespace WaDispatch.Grains.Campaigns;

/// <summary>One campaign idempotency key (key: the scoped key): which campaign it created, so that a retry finds it.</summary>
[Alias("wadispatch.ICampaignKeyGrain")]
public interface ICampaignKeyGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for <paramref name="campaignId"/>; returns the campaign that holds it (this one, or the first).</summary>
    [Alias("Claim")]
    ValueTask<string> ClaimAsync(string campaignId);

    /// <summary>Gives the key back if <paramref name="campaignId"/> holds it (its creation failed).</summary>
    [Alias("Release")]
    ValueTask ReleaseAsync(string campaignId);
}
