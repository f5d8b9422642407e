using System.Diagnostics;
using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Grains.Messages;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// Carries a lane's sends upstream outside its turns: asks the lane for permitted sends (a grain call), marks each
/// <c>sending</c> in the ledger, sends it, records Meta's acceptance at once, and hands each answer back to the lane as
/// a grain call; then records how the send ended and tells its recipient and business (<see cref="LaneOutcomes"/>).
/// Between takes it waits for what the lane said: the next permit, a signal, or a held send coming due.
/// </summary>
/// <remarks>
/// One per lane activation. It calls its lane through the grain's own reference, as any caller would, so the lane's
/// turns stay the only place its state changes. A send already upstream when the activation goes away still finishes
/// here and is settled directly: nothing it learnt from Meta is lost.
/// </remarks>
internal sealed class LanePump
{
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest the pump waits without a take turn: a lane holding sends for later stays active (a call is
    /// activity), so idle collection never abandons them.
    /// </summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);

    /// <summary>How long an answer is offered to the lane again while calls to it fail; then the pump settles it itself.</summary>
    private static readonly TimeSpan HandBackPatience = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxHandBackRetry = TimeSpan.FromSeconds(2);

    private readonly string _phoneNumberId;
    private readonly IPhoneNumberGrain _lane;
    private readonly ICloudApi _upstream;
    private readonly MessageLedger _ledger;
    private readonly LaneOutcomes _outcomes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _departureDelay;
    private readonly DepartureWindow _departures;
    private readonly DispatchMetrics _metrics;

    // Called when a call reached another activation of the lane: during a silo's death or join Orleans may briefly have
    // two, and the one the cluster's calls no longer reach must end rather than keep sends that no pump takes.
    private readonly Action _superseded;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _sending = new();
    private TaskCompletionSource _signal = NewSignal();
    private volatile bool _stopped;

    public LanePump(string phoneNumberId, IPhoneNumberGrain lane, ICloudApi upstream, MessageLedger ledger, LaneOutcomes outcomes, TimeProvider time, ILogger logger, TimeSpan departureDelay, Action superseded, DispatchMetrics metrics)
    {
        _metrics = metrics;
        _superseded = superseded;
        _departureDelay = (long)(departureDelay.TotalSeconds * time.TimestampFrequency);
        _phoneNumberId = phoneNumberId;
        _lane = lane;
        _upstream = upstream;
        _ledger = ledger;
        _outcomes = outcomes;
        _time = time;
        _logger = logger;
        _departures = new DepartureWindow(time);
    }

    /// <summary>This pump's identity: the lane answers only its own pump's takes.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Starts the pump on the thread pool, outside the lane's turns.</summary>
    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Wakes a waiting pump: the lane has new sends, or a slot came free.</summary>
    public void Pulse() => Interlocked.Exchange(ref _signal, NewSignal()).TrySetResult();

    /// <summary>Stops taking sends. Sends already upstream finish and are settled on their own.</summary>
    public void Stop()
    {
        _stopped = true;
        Pulse();
    }

    /// <summary>Completes once every send this pump took has ended and been settled (for a stopping silo, after <see cref="Stop"/>).</summary>
    public Task DrainAsync() => Task.WhenAll(_sending.Keys);

    /// <summary>A call reached another activation of the lane: this pump stops, and its activation ends.</summary>
    private void Supersede()
    {
        if (!_stopped)
        {
            _stopped = true;
            Pulse();
            _superseded();
        }
    }

    private async Task RunAsync()
    {
        // The pump's own turns belong to no message's trace (each send joins its message's, below).
        Activity.Current = null;
        while (!_stopped)
        {
            try
            {
                // The signal is taken before the turn: a pulse during it wakes the wait that follows.
                var signal = Volatile.Read(ref _signal).Task;
                var batch = await _lane.TakeAsync(Id).ConfigureAwait(false);
                if (batch.Stop)
                {
                    Supersede();
                    return;
                }

                foreach (var taken in batch.Sends)
                {
                    var sending = SendAsync(taken, batch.TokenReference, batch.SecondCap);
                    if (!sending.IsCompleted && _sending.TryAdd(sending, 0))
                    {
                        _ = sending.ContinueWith(static (done, all) => ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)all!).TryRemove(done, out _), _sending, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    }
                }

                await WaitAsync(batch, signal).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_stopped)
            {
                LaneLog.PumpFailed(_logger, ex, _phoneNumberId);
                await Task.Delay(FailureBackoff, _time).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private async Task SendAsync(TakenSend taken, string? tokenReference, int secondCap)
    {
        var send = taken.Send;
        // The message's trace goes on here; HttpClient carries it to Meta in traceparent.
        using var activity = DispatchTracing.Lanes.StartActivity("wadispatch.lane.send", ActivityKind.Internal, DispatchTracing.ParentOf(send.TraceParent));
        activity?.SetTag(DispatchTracing.MessageIdTag, send.MessageId);
        activity?.SetTag(DispatchTracing.PhoneNumberTag, _phoneNumberId);
        activity?.SetTag("wadispatch.attempt", taken.Attempt);
        DepartureWindow.Departure departure;
        TimeSpan departureWait;
        var marking = _time.GetTimestamp();
        TimeSpan ledgerTime;
        try
        {
            var marked = !send.Recorded || await DepartingAsync(taken).ConfigureAwait(false);
            ledgerTime = _time.GetElapsedTime(marking);
            if (!marked)
            {
                LaneLog.NotThisDispatchs(_logger, _phoneNumberId, send.MessageId);
                await HandBackAsync(send, new LaneAnswer { Pump = Id, MessageId = send.MessageId, Attempt = taken.Attempt, Duplicate = true }).ConfigureAwait(false);
                return;
            }

            // Leave no sooner than Lanes:DepartureDelay after the permit, and keep departures to the pacer's cap and
            // spacing: a stall, or marks committed together, must not let the sends arrive at Meta together.
            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), taken.TakenAt + _departureDelay);
            if (send.Recorded && remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, _time).ConfigureAwait(false);
            }

            var waiting = _time.GetTimestamp();
            departure = await _departures.DepartAsync(secondCap).ConfigureAwait(false);
            departureWait = _time.GetElapsedTime(waiting, departure.At);
        }
        catch (Exception ex)
        {
            // Not recorded as leaving, so it must not leave: back to the lane as a transient failure.
            LaneLog.DepartureNotRecorded(_logger, ex, _phoneNumberId, send.MessageId);
            var notLeft = CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch could not record that the message was leaving; it was not sent.");
            await HandBackAsync(send, new LaneAnswer { Pump = Id, MessageId = send.MessageId, Attempt = taken.Attempt, Error = notLeft }).ConfigureAwait(false);
            return;
        }

        _metrics.Departed(send.Priority, _time.GetElapsedTime(taken.TakenAt, departure.At));
        SendResult? result = null;
        Exception? failed = null;
        var upstreamTime = TimeSpan.Zero;
        try
        {
            // Not cancelled on Stop: a send that left must finish, so that its answer is known.
            var left = _time.GetTimestamp();
            result = await _upstream.SendAsync(_phoneNumberId, send.Request, tokenReference, CancellationToken.None).ConfigureAwait(false);
            upstreamTime = _time.GetElapsedTime(left);
        }
        catch (Exception ex)
        {
            failed = ex;
        }
        finally
        {
            // It may have reached Meta as late as now: the sends behind it keep their distance from now.
            _departures.Answered(departure, result?.HttpStatus > 0);
        }

        if (result?.Response is { } response)
        {
            var recording = _time.GetTimestamp();
            try
            {
                await _outcomes.RecordSentAsync(send, response).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The message stays `sending`: its status webhooks (found by WaDispatch's id) or the next activation settle it.
                LaneLog.OutcomeNotRecorded(_logger, ex, _phoneNumberId, send.MessageId, SendStatus.Sent);
            }

            ledgerTime += _time.GetElapsedTime(recording);
        }

        // Built once the last step is measured: one answer per send on the hot path.
        var answer = result is null
            ? new LaneAnswer { Pump = Id, MessageId = send.MessageId, Attempt = taken.Attempt, Error = CloudApiError.Create(ErrorCodes.TransportFailure, "Upstream client failed", failed?.Message ?? "The upstream client gave no result."), OutcomeUnknown = true, LedgerTime = ledgerTime, DepartureWait = departureWait }
            : new LaneAnswer
            {
                Pump = Id,
                MessageId = send.MessageId,
                Attempt = taken.Attempt,
                Response = result.Response,
                Error = result.Error,
                RetryAfter = result.RetryAfter,
                OutcomeUnknown = result.OutcomeUnknown,
                HttpStatus = result.HttpStatus,
                UpstreamTime = upstreamTime,
                LedgerTime = ledgerTime,
                DepartureWait = departureWait,
            };
        if (answer.Error is { } refused)
        {
            activity?.SetStatus(ActivityStatusCode.Error, $"{refused.Code} {refused.Message}");
            activity?.SetTag("wadispatch.upstream.code", refused.Code);
        }

        await HandBackAsync(send, answer).ConfigureAwait(false);
    }

    /// <summary>
    /// Records that the message is leaving. A first take must be the one that moves the row from accepted: a row already
    /// marked belongs to another dispatch of the same message (or ended), and sending this copy would send it twice.
    /// A later take of the same send finds its own mark.
    /// </summary>
    private async Task<bool> DepartingAsync(TakenSend taken)
    {
        var outcome = await _ledger.SendingAsync(taken.Send.MessageId, _time.GetUtcNow()).ConfigureAwait(false);
        return outcome == LedgerWriteOutcome.Applied || (outcome == LedgerWriteOutcome.Unchanged && taken.Attempt > 1);
    }

    /// <summary>Hands the answer to the lane and settles what the lane says ended; settles the send directly when no lane takes it.</summary>
    private async Task HandBackAsync(LaneSend send, LaneAnswer answer)
    {
        LaneVerdict verdict;
        var retry = TimeSpan.FromMilliseconds(100);
        var giveUpAt = _time.GetTimestamp() + (long)(HandBackPatience.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            try
            {
                verdict = await _lane.CompleteAsync(answer).ConfigureAwait(false);
                break;
            }
            catch (Exception) when (!_stopped && _time.GetTimestamp() < giveUpAt)
            {
                // While a silo dies, a call to this lane can fail in Orleans' directory although the lane lives on: an
                // answer the lane never hears of holds one of its in-flight slots, so it is handed back again.
                await Task.Delay(retry, _time).ConfigureAwait(false);
                retry = retry * 2 > MaxHandBackRetry ? MaxHandBackRetry : retry * 2;
            }
            catch (Exception ex)
            {
                // The silo is stopping, or the lane is gone: what Meta answered still reaches the ledger.
                LaneLog.AnswerNotHandedBack(_logger, _phoneNumberId, send.MessageId, ex.GetType().Name);
                verdict = new LaneVerdict(false, null, Known: false);
                break;
            }
        }

        if (verdict.Superseded)
        {
            Supersede();
        }

        if (answer.Duplicate)
        {
            return;
        }

        if (verdict.Final)
        {
            await _outcomes.SettleAsync(send, verdict.Outcome!).ConfigureAwait(false);
        }
        else if (verdict.Known)
        {
            if (answer.Error is { } error)
            {
                await _outcomes.RetryingAsync(send, error.Code).ConfigureAwait(false);
            }
        }
        else
        {
            await SettleDirectlyAsync(send, answer).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How a send ends when no lane activation holds it (this one went away while it was upstream): sent or failed for
    /// good as Meta said; anything that may go again goes back to accepted, for the lane's next activation.
    /// </summary>
    private async Task SettleDirectlyAsync(LaneSend send, LaneAnswer answer)
    {
        var now = _time.GetUtcNow();
        if (answer.Response is { } response)
        {
            await _outcomes.SettleAsync(send, new SendOutcome(SendStatus.Sent, response, null, 1, now)).ConfigureAwait(false);
            return;
        }

        var error = answer.Error!;
        var action = ErrorClassification.Classify(error.Code);
        var again = !answer.OutcomeUnknown && (action.Retry.Retry || action.Class is ErrorClass.StopLane or ErrorClass.Auth);
        if (!again)
        {
            await _outcomes.SettleAsync(send, new SendOutcome(SendStatus.Failed, null, error, 1, now)).ConfigureAwait(false);
            return;
        }

        try
        {
            if (send.Recorded)
            {
                await _ledger.DeferAsync(send.MessageId, now, now, MessageStatuses.Requeued, error, send.Priority).ConfigureAwait(false);
                await _lane.WakeAtAsync(now).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // It stays where it is in the ledger; the lane's next activation (at the latest the next start) takes it up.
            LaneLog.OutcomeNotRecorded(_logger, ex, _phoneNumberId, send.MessageId, SendStatus.Abandoned);
        }

        await _outcomes.SettleAsync(send, new SendOutcome(SendStatus.Abandoned, null, error, 1, now)).ConfigureAwait(false);
    }

    private async Task WaitAsync(LaneBatch batch, Task signal)
    {
        switch (batch.Wait)
        {
            case LaneWait.None:
                return;
            case LaneWait.Signal:
                await signal.ConfigureAwait(false);
                return;
            default:
                var delay = _time.GetElapsedTime(_time.GetTimestamp(), batch.WakeAt);
                delay = delay > MaxWait ? MaxWait : delay;
                if (delay > TimeSpan.Zero && !signal.IsCompleted)
                {
                    using var wake = new CancellationTokenSource();
                    var timer = Task.Delay(delay, _time, wake.Token);
                    await Task.WhenAny(signal, timer).ConfigureAwait(false);
                    await wake.CancelAsync().ConfigureAwait(false);
                }

                return;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
