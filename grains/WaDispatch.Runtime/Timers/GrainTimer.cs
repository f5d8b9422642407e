using WaDispatch.Runtime.Activations;
using WaDispatch.Runtime.Diagnostics;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Runtime.Timers;

/// <summary>
/// A timer whose ticks run as turns of their activation. A tick is skipped while the previous one is
/// still queued or running, so a slow callback never piles up ticks.
/// </summary>
internal sealed class GrainTimer : WorkItem, IDisposable
{
    private readonly ActivationCore _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly CancellationTokenSource _disposed = new();
    private ITimer? _timer;
    private int _tickPending;

    public GrainTimer(ActivationCore activation, Func<CancellationToken, Task> callback)
    {
        _activation = activation;
        _callback = callback;
    }

    public override bool IsForwardable => false;

    public override bool CountsAsActivity => false;

    public void Start(TimeProvider timeProvider, TimeSpan dueTime, TimeSpan period)
    {
        _timer = timeProvider.CreateTimer(static state => ((GrainTimer)state!).OnTick(), this, dueTime, period);
        if (_disposed.IsCancellationRequested)
        {
            // Disposed between registration and start: do not leave a live timer behind.
            _timer.Dispose();
        }
    }

    public override async ValueTask<bool> RunAsync(ActivationCore activation)
    {
        try
        {
            if (!_disposed.IsCancellationRequested)
            {
                await _callback(_disposed.Token).ConfigureAwait(false);
            }

            return false;
        }
        catch (Exception ex)
        {
            var runtime = activation.Directory.Runtime;
            runtime.Logger.TimerCallbackFailed(ex, activation.Directory.TypeName, activation.Key);
            return ex is InconsistentStateException;
        }
        finally
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }

    public override void Reject(Exception error) => Volatile.Write(ref _tickPending, 0);

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer?.Dispose();
        _activation.RemoveTimer(this);
    }

    private void OnTick()
    {
        if (_disposed.IsCancellationRequested || Interlocked.Exchange(ref _tickPending, 1) == 1)
        {
            return;
        }

        if (!_activation.TryEnqueueTimerTurn(this))
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }
}
