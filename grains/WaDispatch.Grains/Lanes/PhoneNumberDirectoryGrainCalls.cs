using WaDispatch.Runtime;

namespace WaDispatch.Grains.Lanes;

/// <summary>Calls on a <see cref="IPhoneNumberDirectoryGrain"/> reference that read like method calls.</summary>
public static class PhoneNumberDirectoryGrainCalls
{
    /// <inheritdoc cref="IPhoneNumberDirectoryGrain.SetAsync"/>
    public static ValueTask SetAsync(this GrainReference<IPhoneNumberDirectoryGrain> entry, string phoneNumberId) =>
        entry.InvokeAsync(static (g, id) => g.SetAsync(id), phoneNumberId);

    /// <inheritdoc cref="IPhoneNumberDirectoryGrain.GetAsync"/>
    public static ValueTask<string?> GetAsync(this GrainReference<IPhoneNumberDirectoryGrain> entry) =>
        entry.InvokeAsync(static g => g.GetAsync());
}
