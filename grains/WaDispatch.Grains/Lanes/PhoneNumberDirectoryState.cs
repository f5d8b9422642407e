namespace WaDispatch.Grains.Lanes;

/// <summary>What a directory entry persists.</summary>
public sealed class PhoneNumberDirectoryState
{
    /// <summary>The phone number id of the displayed number.</summary>
    public string? PhoneNumberId { get; set; }
}
