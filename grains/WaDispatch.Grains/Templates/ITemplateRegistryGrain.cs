namespace WaDispatch.Grains.Templates;

/// <summary>The WABAs whose catalogs are kept (one grain, key <see cref="Key"/>), so that a restart syncs them all again.</summary>
public interface ITemplateRegistryGrain
{
    /// <summary>The registry's one key.</summary>
    public const string Key = "all";

    /// <summary>Adds a WABA; true when it was new.</summary>
    ValueTask<bool> AddAsync(string wabaId);

    /// <summary>Every WABA added.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync();
}
