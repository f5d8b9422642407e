using WaDispatch.CloudApi.Messages;

namespace WaDispatch.CloudApi.Upstream;

/// <summary>What WaDispatch says to Meta: the Graph API, or the simulator speaking the same HTTP.</summary>
public interface ICloudApi
{
    /// <summary>
    /// Sends one message from <paramref name="phoneNumberId"/>. Expected outcomes — accepted, throttled,
    /// rejected — are results, not exceptions; only cancellation by <paramref name="cancellationToken"/> throws.
    /// </summary>
    /// <param name="phoneNumberId">The business phone number that sends.</param>
    /// <param name="request">The message.</param>
    /// <param name="tokenReference">
    /// Which configured access token to use (<c>CloudApi:AccessTokens:{reference}</c>); null uses the
    /// number's own entry, then the default token. Tokens are never passed around, only their names.
    /// </param>
    /// <param name="cancellationToken">Cancels the send.</param>
    Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest request, string? tokenReference = null, CancellationToken cancellationToken = default);
}
