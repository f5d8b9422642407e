using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Grains.Lanes;

/// <summary>The end of one send's way through a lane.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Response">Meta's response when sent.</param>
/// <param name="Error">The last error, when not sent (for <see cref="SendStatus.Expired"/>, what kept it back).</param>
/// <param name="Attempts">How many times it went upstream.</param>
/// <param name="CompletedAt">When it ended.</param>
[GenerateSerializer]
[Alias("wadispatch.SendOutcome")]
public sealed record SendOutcome(SendStatus Status, SendMessageResponse? Response, CloudApiError? Error, int Attempts, DateTimeOffset CompletedAt)
{
    /// <summary>The <c>wamid</c> Meta gave the message, when sent.</summary>
    public string? MessageId => Response?.Messages is [{ } first, ..] ? first.Id : null;

    /// <summary>How long its latest request upstream took, from leaving to Meta's answer (null when it never left).</summary>
    [Id(0)]
    public TimeSpan? UpstreamTime { get; init; }

    /// <summary>How long its latest attempt's ledger commits took on the way (its <c>sending</c> mark and Meta's acceptance).</summary>
    [Id(1)]
    public TimeSpan LedgerTime { get; init; }
}
