using System.Collections.Concurrent;

namespace WaDispatch.Runtime.Tests.Grains;

/// <summary>What the test grains report to, and how tests steer them.</summary>
public sealed class GrainProbe
{
    private int _created;
    private int _maxInside;
    private int _timerTicks;

    public int Created => Volatile.Read(ref _created);

    public int MaxInside => Volatile.Read(ref _maxInside);

    public int TimerTicks => Volatile.Read(ref _timerTicks);

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentQueue<(string Key, DeactivationReason Reason)> Deactivations { get; } = new();

    public TaskCompletionSource DeactivationStarted { get; set; } = NewSignal();

    public TaskCompletionSource DeactivationFinished { get; set; } = NewSignal();

    public Task? ActivationGate { get; set; }

    public Exception? ActivationFailure { get; set; }

    public Task? DeactivationGate { get; set; }

    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnCreated() => Interlocked.Increment(ref _created);

    public void OnInside(int inside)
    {
        int max;
        while (inside > (max = Volatile.Read(ref _maxInside)) && Interlocked.CompareExchange(ref _maxInside, inside, max) != max)
        {
        }
    }

    public void OnTimerTick() => Interlocked.Increment(ref _timerTicks);
}
