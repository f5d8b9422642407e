namespace WaDispatch.Grains.Lanes;

/// <summary>
/// Which phone number id a displayed number belongs to (key: the display number's digits), or one
/// number of a WABA (key: <see cref="WabaKey"/>). Some of Meta's webhooks name a number only as it is
/// displayed (<c>phone_number_quality_update</c>), or only its WABA (<c>business_capability_update</c>).
/// </summary>
[Alias("wadispatch.IPhoneNumberDirectoryGrain")]
public interface IPhoneNumberDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the entry that leads from <paramref name="wabaId"/> to one of its numbers.</summary>
    static string WabaKey(string wabaId) => "waba:" + wabaId;

    /// <summary>Records that the displayed number is <paramref name="phoneNumberId"/>.</summary>
    [Alias("Set")]
    ValueTask SetAsync(string phoneNumberId);

    /// <summary>The phone number id, or null when no number was configured with this display number.</summary>
    /// <remarks>Reads the entry, changes nothing.</remarks>
    [Alias("Get")]
    [ReadOnly]
    ValueTask<string?> GetAsync();
}
