using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// A send while a lane holds it: the admitted <see cref="LaneSend"/>, and what the lane's activation keeps about it
/// (takes, retries, when it left, how it ended).
/// </summary>
/// <remarks>Belongs to one lane activation and lives in its memory only; what must survive is in the message ledger.</remarks>
internal sealed class OutboundSend
{
    private readonly TaskCompletionSource<SendOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OutboundSend(LaneSend send)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentException.ThrowIfNullOrEmpty(send.MessageId);
        ArgumentNullException.ThrowIfNull(send.Request);
        Send = send;
    }

    /// <summary>The admitted send.</summary>
    public LaneSend Send { get; }

    /// <summary>WaDispatch's message id.</summary>
    public string Id => Send.MessageId;

    /// <summary>The Cloud API request body.</summary>
    public SendMessageRequest Request => Send.Request;

    /// <summary>The priority class.</summary>
    public SendPriority Priority => Send.Priority;

    /// <summary>The fairness unit within the class; empty for direct sends.</summary>
    public string Flow => Send.Flow;

    /// <summary>After this instant the message is not sent.</summary>
    public DateTimeOffset ExpiresAt => Send.ExpiresAt;

    /// <summary>Not before this instant (the recipient's pair rate).</summary>
    public DateTimeOffset? NotBefore => Send.NotBefore;

    /// <summary>Completes when the send leaves the lane: sent, failed, expired or abandoned.</summary>
    public Task<SendOutcome> Completion => _completion.Task;

    /// <summary>How many times it was taken to go upstream.</summary>
    public int Attempts { get; set; }

    /// <summary>How many answers were transient errors (drives the backoff).</summary>
    public int TransientFailures { get; set; }

    /// <summary>How many answers were pair-rate errors (drives the 4^X snooze).</summary>
    public int PairThrottles { get; set; }

    /// <summary>The lane that has it upstream; an answer for a send another lane took frees no slot here.</summary>
    public object? TakenBy { get; set; }

    /// <summary>When the lane handed it out: the answer time is measured from there.</summary>
    public long TakenAt { get; set; }

    /// <summary>The last error upstream gave it.</summary>
    public CloudApiError? LastError { get; set; }

    /// <summary>How long its latest request upstream took, from leaving to Meta's answer.</summary>
    public TimeSpan? UpstreamTime { get; set; }

    /// <summary>How long its latest attempt's ledger commits took.</summary>
    public TimeSpan LedgerTime { get; set; }

    /// <summary>How long its last attempt waited for its place in the lane's departures (<see cref="LaneAnswer.DepartureWait"/>).</summary>
    public TimeSpan DepartureWait { get; set; }

    /// <summary>How it ended, once it has; null while the lane holds it.</summary>
    public SendOutcome? Outcome { get; private set; }

    public bool TryComplete(SendStatus status, SendMessageResponse? response, CloudApiError? error, DateTimeOffset at)
    {
        if (Outcome is not null)
        {
            return false;
        }

        Outcome = new SendOutcome(status, response, error ?? (status == SendStatus.Sent ? null : LastError), Attempts, at) { UpstreamTime = UpstreamTime, LedgerTime = LedgerTime };
        return _completion.TrySetResult(Outcome);
    }
}
