using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Grains.Lanes;

/// <summary>What came back for a send the lane's pump carried upstream: Meta's response or error, or why it never left.</summary>
[GenerateSerializer]
[Alias("wadispatch.LaneAnswer")]
[Immutable]
public sealed record LaneAnswer
{
    /// <summary>The message.</summary>
    [Id(0)]
    public required string MessageId { get; init; }

    /// <summary>Which take of the send this answers (a send may be taken again after a retryable answer).</summary>
    [Id(1)]
    public required int Attempt { get; init; }

    /// <summary>Meta's response, when it accepted the send.</summary>
    [Id(2)]
    public SendMessageResponse? Response { get; init; }

    /// <summary>Meta's error, or WaDispatch's reason the send did not leave.</summary>
    [Id(3)]
    public CloudApiError? Error { get; init; }

    /// <summary>The upstream's <c>Retry-After</c>, when it sent one.</summary>
    [Id(4)]
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether the request may have reached Meta although no answer came (a timeout after sending): never retried.</summary>
    [Id(5)]
    public bool OutcomeUnknown { get; init; }

    /// <summary>The HTTP status of the answer.</summary>
    [Id(6)]
    public int HttpStatus { get; init; }

    /// <summary>How long the request upstream took, from leaving to Meta's answer.</summary>
    [Id(7)]
    public TimeSpan? UpstreamTime { get; init; }

    /// <summary>
    /// Whether this copy of the message belongs to no one: the ledger no longer has it accepted (another dispatch of
    /// the same message marked it, or it ended), so it did not leave and the lane drops it.
    /// </summary>
    [Id(8)]
    public bool Duplicate { get; init; }

    /// <summary>The pump that carried it: an answer from another activation's pump is not this activation's to apply.</summary>
    [Id(9)]
    public Guid Pump { get; init; }

    /// <summary>How long the pump's ledger commits for this attempt took: its <c>sending</c> mark, and Meta's acceptance.</summary>
    [Id(10)]
    public TimeSpan LedgerTime { get; init; }

    /// <summary>
    /// How long the send waited for its place in the lane's departures (the pacer's cap and spacing, late answers'
    /// places) after its <c>sending</c> mark: the lane's bound on sends in flight does not count it, or a queue of
    /// departures would raise the bound that lets it stay.
    /// </summary>
    [Id(11)]
    public TimeSpan DepartureWait { get; init; }
}
