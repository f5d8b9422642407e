
using Orleans.Runtime;

namespace WaDispatch.Grains.Lanes;

/// <summary>One displayed number's phone number id.</summary>
public sealed class PhoneNumberDirectoryGrain : Grain, IPhoneNumberDirectoryGrain
{
    private readonly IPersistentState<PhoneNumberDirectoryState> _state;

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public PhoneNumberDirectoryGrain([PersistentState("phone-number-directory")] IPersistentState<PhoneNumberDirectoryState> state) => _state = state;

    /// <inheritdoc />
    public async ValueTask SetAsync(string phoneNumberId)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        if (!string.Equals(_state.State.PhoneNumberId, phoneNumberId, StringComparison.Ordinal))
        {
            _state.State.PhoneNumberId = phoneNumberId;
            await _state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> GetAsync() => ValueTask.FromResult(_state.State.PhoneNumberId);
}
