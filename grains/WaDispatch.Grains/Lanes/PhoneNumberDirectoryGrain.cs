using WaDispatch.Runtime;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Grains.Lanes;

/// <summary>One displayed number's phone number id.</summary>
public sealed class PhoneNumberDirectoryGrain : Grain, IPhoneNumberDirectoryGrain
{
    private readonly IPersistentState<PhoneNumberDirectoryState> _state;

    /// <summary>Creates the grain; the runtime calls this through the registration in <c>AddWaDispatchGrains</c>.</summary>
    public PhoneNumberDirectoryGrain(IPersistentState<PhoneNumberDirectoryState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask SetAsync(string phoneNumberId)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        if (!string.Equals(_state.State.PhoneNumberId, phoneNumberId, StringComparison.Ordinal))
        {
            _state.State.PhoneNumberId = phoneNumberId;
            await _state.WriteStateAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> GetAsync() => ValueTask.FromResult(_state.State.PhoneNumberId);
}
