using WaDispatch.CloudApi.Messages;

namespace WaDispatch.CloudApi.Upstream;

/// <summary>What WaDispatch says to Meta: the Graph API, or the simulator speaking the same HTTP.</summary>
public interface ICloudApi
{
    /// <summary>
    /// Sends one message from <paramref name="phoneNumberId"/>. Expected outcomes — accepted, throttled,
    /// rejected — are results, not exceptions; only cancellation by <paramref name="cancellationToken"/> throws.
    /// </summary>
    Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest request, CancellationToken cancellationToken = default);
}
