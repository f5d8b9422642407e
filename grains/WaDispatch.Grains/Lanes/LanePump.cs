using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Runtime;

namespace WaDispatch.Grains.Lanes;

/// <summary>
/// Carries a lane's sends upstream outside its turns: asks the lane for permitted sends (a turn),
/// starts their HTTP calls without awaiting them, and hands each answer back as a call. Then waits for
/// what the lane said: the next permit, a signal, or a held send coming due.
/// </summary>
internal sealed class LanePump
{
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest the pump waits without a take turn: a lane holding sends for later stays active
    /// (a call is activity), so idle collection never abandons them.
    /// </summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);

    private readonly string _phoneNumberId;
    private readonly GrainReference<IPhoneNumberGrain> _lane;
    private readonly ICloudApi _upstream;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _departureDelay;
    private readonly DepartureWindow _departures;
    private volatile bool _stopped;

    public LanePump(string phoneNumberId, GrainReference<IPhoneNumberGrain> lane, ICloudApi upstream, TimeProvider time, ILogger logger, TimeSpan departureDelay)
    {
        _departureDelay = (long)(departureDelay.TotalSeconds * time.TimestampFrequency);
        _phoneNumberId = phoneNumberId;
        _lane = lane;
        _upstream = upstream;
        _time = time;
        _logger = logger;
        _departures = new DepartureWindow(time);
    }

    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>
    /// Stops taking sends; the lane pulses its signal so that a waiting pump notices. Sends already
    /// upstream finish and report on their own.
    /// </summary>
    public void Stop() => _stopped = true;

    private async Task RunAsync()
    {
        while (!_stopped)
        {
            try
            {
                var batch = await _lane.InvokeAsync(static (g, pump) => ((PhoneNumberGrain)g).TakeAsync(pump), this).ConfigureAwait(false);
                foreach (var send in batch.Sends)
                {
                    _ = SendAsync(send, batch.TokenReference, batch.SecondCap);
                }

                await WaitAsync(batch).ConfigureAwait(false);
            }
            catch (GrainRuntimeStoppedException)
            {
                return;
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

    private async Task SendAsync(OutboundSend send, string? tokenReference, int secondCap)
    {
        SendResult result;
        try
        {
            if (send.Departing is { } departing)
            {
                await departing().ConfigureAwait(false);

                // Leave a fixed time after the permit, whatever the record took: the permits' spacing holds.
                var remaining = _time.GetElapsedTime(_time.GetTimestamp(), send.TakenAt + _departureDelay);
                if (remaining > TimeSpan.Zero)
                {
                    await Task.Delay(remaining, _time).ConfigureAwait(false);
                }
            }

            // Permits are spaced, but a stall of this process between permit and departure (a pause, a busy thread
            // pool) lets their sends leave together; Meta counts arrivals. So departures keep the pacer's cap too.
            for (var wait = _departures.Reserve(secondCap); wait > TimeSpan.Zero; wait = _departures.Reserve(secondCap))
            {
                await Task.Delay(wait, _time).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Not recorded as leaving, so it must not leave: back to the lane as a transient failure.
            LaneLog.DepartureNotRecorded(_logger, ex, _phoneNumberId, send.Id);
            result = SendResult.Failure(CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch could not record that the message was leaving; it was not sent."), 0);
            await HandBackAsync(send, result).ConfigureAwait(false);
            return;
        }

        try
        {
            // Not cancelled on Stop: a send that left must finish, so that its answer is known.
            var left = _time.GetTimestamp();
            result = await _upstream.SendAsync(_phoneNumberId, send.Request, tokenReference, CancellationToken.None).ConfigureAwait(false);
            send.UpstreamTime = _time.GetElapsedTime(left);
        }
        catch (Exception ex)
        {
            result = SendResult.Failure(CloudApiError.Create(ErrorCodes.TransportFailure, "Upstream client failed", ex.Message), 0, outcomeUnknown: true);
        }

        await HandBackAsync(send, result).ConfigureAwait(false);
    }

    private async Task HandBackAsync(OutboundSend send, SendResult result)
    {

        while (true)
        {
            try
            {
                await _lane.InvokeAsync(static (g, answer) => ((PhoneNumberGrain)g).CompleteAsync(answer.send, answer.result), (send, result)).ConfigureAwait(false);
                return;
            }
            catch (GrainOverloadedException)
            {
                // The answer must reach the lane, or its in-flight count drifts: wait and hand it back again.
                await Task.Delay(FailureBackoff, _time).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The runtime is shutting down (or the grain failed): the answer still reaches the send's owner.
                var status = Settle(result);
                send.TryComplete(status, result.Response, result.Error, _time.GetUtcNow());
                LaneLog.AnswerNotHandedBack(_logger, _phoneNumberId, send.Id, ex.GetType().Name, status);
                return;
            }
        }
    }

    /// <summary>How a send ends when its lane cannot take the answer: sent, failed for good, or free to send again.</summary>
    private static SendStatus Settle(SendResult result)
    {
        if (result.IsSuccess)
        {
            return SendStatus.Sent;
        }

        if (result.OutcomeUnknown)
        {
            return SendStatus.Failed;
        }

        var action = result.Action ?? ErrorClassification.Classify(result.Error!.Code);
        // Throttles, pauses and stops say nothing against the message: it was not sent and may be again.
        return action.Retry.Retry || action.Class is ErrorClass.StopLane or ErrorClass.Auth ? SendStatus.Abandoned : SendStatus.Failed;
    }

    private async Task WaitAsync(LaneBatch batch)
    {
        switch (batch.Next.Wait)
        {
            case LaneWait.None:
                return;
            case LaneWait.Signal:
                await batch.Signal.ConfigureAwait(false);
                return;
            default:
                var delay = _time.GetElapsedTime(_time.GetTimestamp(), batch.Next.WakeAt);
                delay = delay > MaxWait ? MaxWait : delay;
                if (delay > TimeSpan.Zero && !batch.Signal.IsCompleted)
                {
                    using var wake = new CancellationTokenSource();
                    var timer = Task.Delay(delay, _time, wake.Token);
                    await Task.WhenAny(batch.Signal, timer).ConfigureAwait(false);
                    await wake.CancelAsync().ConfigureAwait(false);
                }

                return;
        }
    }
}
