using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Recipients;

namespace WaDispatch.Grains.Lanes;

/// <summary>One admitted message for a lane: what to send, how urgent, whose fair share, until when, and whom to tell how it ended.</summary>
[GenerateSerializer]
[Alias("wadispatch.LaneSend")]
[Immutable]
public sealed record LaneSend
{
    /// <summary>WaDispatch's message id: the ledger row the lane records the send's end in.</summary>
    [Id(0)]
    public required string MessageId { get; init; }

    /// <summary>The Cloud API request body, as it leaves (with WaDispatch's id in its callback data).</summary>
    [Id(1)]
    public required SendMessageRequest Request { get; init; }

    /// <summary>Its priority class.</summary>
    [Id(2)]
    public required SendPriority Priority { get; init; }

    /// <summary>After this instant it is not sent.</summary>
    [Id(3)]
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The fairness unit within the class (the campaign id); empty for other sends, which share one flow.</summary>
    [Id(4)]
    public string Flow { get; init; } = string.Empty;

    /// <summary>Not before this instant (the recipient's pair rate): the lane holds it until then.</summary>
    [Id(5)]
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The recipient, told of Meta's answers (131056 snoozes the pair, 131026 marks the user undeliverable).</summary>
    [Id(6)]
    public string? WaId { get; init; }

    /// <summary>The business charged for the recipient, told when the send goes out outside the window.</summary>
    [Id(7)]
    public string? BusinessId { get; init; }

    /// <summary>Until when the customer-service window is open; a send that goes later counts against the messaging limit.</summary>
    [Id(8)]
    public DateTimeOffset? WindowOpenUntil { get; init; }

    /// <summary>Whether the message is in the ledger: it is marked <c>sending</c> durably before each request leaves, and its end recorded.</summary>
    [Id(9)]
    public bool Recorded { get; init; } = true;

    /// <summary>
    /// Whether a caller waits for the answer (the Cloud API route): then the lane records only what Meta answered
    /// (sent, or failed by Meta), and the caller records any other end (no permit in time, the lane gone).
    /// </summary>
    [Id(10)]
    public bool Direct { get; init; }

    /// <summary>The campaign the message belongs to, if any: a template Meta paused pauses it.</summary>
    [Id(11)]
    public string? CampaignId { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the message's trace: the lane's send to Meta joins it.</summary>
    [Id(12)]
    public string? TraceParent { get; init; }
}
