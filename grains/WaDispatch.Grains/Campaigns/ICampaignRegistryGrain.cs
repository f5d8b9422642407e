namespace WaDispatch.Grains.Campaigns;

/// <summary>Every campaign id, in creation order (one grain, key <see cref="Key"/>): for listing, and for resuming campaigns at start-up.</summary>
public interface ICampaignRegistryGrain
{
    /// <summary>The registry's one key.</summary>
    public const string Key = "all";

    /// <summary>Adds a campaign id.</summary>
    ValueTask AddAsync(string campaignId);

    /// <summary>Every campaign id, oldest first.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync();
}
