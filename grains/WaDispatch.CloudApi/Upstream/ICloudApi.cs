using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Templates;

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

    /// <summary>
    /// Reads one page of a WhatsApp Business Account's message templates
    /// (<c>GET /{version}/{waba_id}/message_templates?limit=…&amp;after=…</c>). Errors are results; only
    /// cancellation throws.
    /// </summary>
    /// <param name="wabaId">The WhatsApp Business Account.</param>
    /// <param name="after">The cursor after which the page starts; null for the first page.</param>
    /// <param name="limit">Templates per page.</param>
    /// <param name="tokenReference">Which configured access token to use; null for the default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<TemplatePageResult> ListTemplatesAsync(string wabaId, string? after = null, int limit = 100, string? tokenReference = null, CancellationToken cancellationToken = default);
}
