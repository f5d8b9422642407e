using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Grains.Messages;

/// <summary>A message handed to WaDispatch to send.</summary>
/// <param name="PhoneNumberId">The business number that sends it.</param>
/// <param name="Message">The Cloud API request body.</param>
[GenerateSerializer]
[Alias("wadispatch.MessageSubmission")]
public sealed record MessageSubmission(string PhoneNumberId, SendMessageRequest Message)
{
    /// <summary>
    /// The caller's key: a second submission with the same key returns the first one's message and sends
    /// nothing. The front door scopes it (e.g. by API key) before it gets here.
    /// </summary>
    [Id(0)]
    public string? IdempotencyKey { get; init; }

    /// <summary>After this instant it is not sent; default now + <c>Messages:DefaultExpiry</c>.</summary>
    [Id(1)]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Where the message's status changes are posted (signed), if anywhere; see <c>Callbacks</c> settings.</summary>
    [Id(2)]
    public string? CallbackUrl { get; init; }
}
