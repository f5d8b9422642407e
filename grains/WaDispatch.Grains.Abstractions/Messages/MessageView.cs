using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Grains.Messages;

/// <summary>A message as the ledger knows it.</summary>
/// <param name="Id">WaDispatch's id.</param>
/// <param name="PhoneNumberId">The business number that sends it.</param>
/// <param name="To">The recipient (WhatsApp id, digits).</param>
/// <param name="Status">Its current status (see <c>MessageStatuses</c>).</param>
/// <param name="Wamid">Meta's id, once sent.</param>
/// <param name="Error">Why it failed, or what last held it back.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
/// <param name="ExpiresAt">After this instant it is not sent.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
[GenerateSerializer]
[Alias("wadispatch.MessageView")]
public sealed record MessageView(
    string Id,
    string PhoneNumberId,
    string To,
    string Status,
    string? Wamid,
    CloudApiError? Error,
    DateTimeOffset AcceptedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>When a held-back message may go again.</summary>
    [Id(0)]
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>The statuses it reached, in time order (filled by <c>MessageService.GetAsync</c>).</summary>
    [Id(1)]
    public IReadOnlyList<MessageEvent>? History { get; init; }
}
