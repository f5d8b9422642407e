namespace WaDispatch.Grains.Lanes;

/// <summary>
/// Which phone number id a displayed number belongs to (key: the display number's digits). Some of
/// Meta's webhooks (<c>phone_number_quality_update</c>) name a number only as it is displayed.
/// </summary>
public interface IPhoneNumberDirectoryGrain
{
    /// <summary>Records that the displayed number is <paramref name="phoneNumberId"/>.</summary>
    ValueTask SetAsync(string phoneNumberId);

    /// <summary>The phone number id, or null when no number was configured with this display number.</summary>
    ValueTask<string?> GetAsync();
}
