namespace WaDispatch.Grains.Templates;

/// <summary>The WABAs whose catalogs are kept (one grain, key <see cref="Key"/>), so that a restart syncs them all again.</summary>
[Alias("wadispatch.ITemplateRegistryGrain")]
public interface ITemplateRegistryGrain : IGrainWithStringKey
{
    /// <summary>The registry's one key.</summary>
    public const string Key = "all";

    /// <summary>Adds a WABA; true when it was new.</summary>
    [Alias("Add")]
    ValueTask<bool> AddAsync(string wabaId);

    /// <summary>Every WABA added.</summary>
    /// <remarks>Reads the list, changes nothing.</remarks>
    [Alias("List")]
    [ReadOnly]
    ValueTask<IReadOnlyList<string>> ListAsync();
}
