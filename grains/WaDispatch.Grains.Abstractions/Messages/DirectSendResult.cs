using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Grains.Messages;

/// <summary>What a send whose caller waits for Meta's answer (the Cloud API-compatible route) gave.</summary>
/// <param name="MessageId">WaDispatch's id, when the message was accepted.</param>
/// <param name="Response">Meta's response, when sent.</param>
/// <param name="Error">Why it was not sent (locally or by Meta), Cloud API-shaped.</param>
/// <param name="RetryAfter">For an error that passes (no permit in time, a limit), how long to wait.</param>
[GenerateSerializer]
[Alias("wadispatch.DirectSendResult")]
public sealed record DirectSendResult(string? MessageId, SendMessageResponse? Response, CloudApiError? Error, TimeSpan? RetryAfter = null)
{
    /// <summary>How long the request to Meta took, when one went: the rest of the answer's time was WaDispatch's.</summary>
    [Id(0)]
    public TimeSpan? UpstreamTime { get; init; }

    /// <summary>Where the rest of the time went, step by step, when the message reached its lane.</summary>
    [Id(1)]
    public SendPhases? Phases { get; init; }
}
