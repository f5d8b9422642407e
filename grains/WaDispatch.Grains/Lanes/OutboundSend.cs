using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Upstream;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// One message waiting in a lane: what to send, how urgent it is, whose fair share it uses, until when
/// it may go, and where its outcome is reported (<see cref="Completion"/>).
/// </summary>
public sealed class OutboundSend
{
    private readonly TaskCompletionSource<SendOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a send.</summary>
    /// <param name="id">The caller's id for the message (e.g. WaDispatch's message id); for logs and snapshots.</param>
    /// <param name="request">The Cloud API request body.</param>
    /// <param name="priority">Its priority class.</param>
    /// <param name="expiresAt">After this instant it is not sent.</param>
    /// <param name="flow">
    /// The fairness unit within the priority class, typically the campaign id: flows take turns, so one
    /// large campaign cannot starve another. Null or empty for direct sends, which share one flow.
    /// </param>
    public OutboundSend(string id, SendMessageRequest request, SendPriority priority, DateTimeOffset expiresAt, string? flow = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(request);
        Id = id;
        Request = request;
        Priority = priority;
        ExpiresAt = expiresAt;
        Flow = flow ?? string.Empty;
    }

    /// <summary>The caller's id for the message.</summary>
    public string Id { get; }

    /// <summary>The Cloud API request body.</summary>
    public SendMessageRequest Request { get; }

    /// <summary>The priority class.</summary>
    public SendPriority Priority { get; }

    /// <summary>The fairness unit within the class; empty for direct sends.</summary>
    public string Flow { get; }

    /// <summary>After this instant the message is not sent.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Not before this instant (the recipient's pair rate): the lane holds it until then.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>
    /// Told of every upstream answer that does not end the send (it will be retried), inside the lane's
    /// turn: it must return at once. The dispatcher uses it to tell the recipient of a 131056.
    /// </summary>
    public Action<SendResult>? Retrying { get; init; }

    /// <summary>
    /// Awaited outside the lane's turn just before each request leaves for Meta (the message ledger records
    /// "sending" durably, so that a crash never sends it again). If it fails, the request does not leave and
    /// the lane retries it as a transient failure.
    /// </summary>
    public Func<Task>? Departing { get; init; }

    /// <summary>Completes when the send leaves the lane: sent, failed, expired or abandoned.</summary>
    public Task<SendOutcome> Completion => _completion.Task;

    /// <summary>How many times it went upstream.</summary>
    public int Attempts { get; internal set; }

    /// <summary>How many of those came back as transient errors (drives the backoff).</summary>
    internal int TransientFailures { get; set; }

    /// <summary>How many came back as pair-rate errors (drives the 4^X snooze).</summary>
    internal int PairThrottles { get; set; }

    /// <summary>The lane that has it upstream; an answer that reaches another lane (after a reactivation) frees no slot there.</summary>
    internal object? TakenBy { get; set; }

    /// <summary>When the lane that has it upstream handed it out: the answer time is measured from there.</summary>
    internal long TakenAt { get; set; }

    /// <summary>The last error upstream gave it.</summary>
    internal CloudApiError? LastError { get; set; }

    /// <summary>How long its latest request upstream took, from leaving to Meta's answer.</summary>
    internal TimeSpan? UpstreamTime { get; set; }

    internal bool TryComplete(SendStatus status, SendMessageResponse? response, CloudApiError? error, DateTimeOffset at) =>
        _completion.TrySetResult(new SendOutcome(status, response, error ?? (status == SendStatus.Sent ? null : LastError), Attempts, at) { UpstreamTime = UpstreamTime });
}
