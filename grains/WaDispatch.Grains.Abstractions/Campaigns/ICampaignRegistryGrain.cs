namespace WaDispatch.Grains.Campaigns;

/// <summary>Every campaign id, in creation order (one grain, key <see cref="Key"/>): for listing, and for resuming campaigns at start-up.</summary>
[Alias("wadispatch.ICampaignRegistryGrain")]
public interface ICampaignRegistryGrain : IGrainWithStringKey
{
    /// <summary>The registry's one key.</summary>
    public const string Key = "all";

    /// <summary>Adds a campaign id.</summary>
    [Alias("Add")]
    ValueTask AddAsync(string campaignId);

    /// <summary>Every campaign id, oldest first.</summary>
    /// <remarks>Reads the list, changes nothing.</remarks>
    [Alias("List")]
    [ReadOnly]
    ValueTask<IReadOnlyList<string>> ListAsync();
}
