using System.Diagnostics.Metrics;
using WaDispatch.Runtime.Activations;

namespace WaDispatch.Runtime.Diagnostics;

/// <summary>The runtime's instruments, on the <see cref="MeterName"/> meter.</summary>
internal sealed class GrainRuntimeMetrics
{
    public const string MeterName = "WaDispatch.Grains";

    // Marks a turn whose duration is not measured because no listener was enabled when it started.
    private const long NotTimed = long.MinValue;

    private readonly Counter<long> _activationsCreated;
    private readonly Counter<long> _activationsCollected;
    private readonly Histogram<int> _queueDepth;
    private readonly Histogram<double> _turnDuration;

    public GrainRuntimeMetrics(IMeterFactory meterFactory, IReadOnlyList<GrainDirectory> directories)
    {
        Meter = meterFactory.Create(MeterName);
        Meter.CreateObservableUpDownCounter(
            "wadispatch.grain.activations",
            () => Observe(directories, static d => d.ActivationCount),
            "{activation}",
            "Activations currently alive.");
        Meter.CreateObservableCounter(
            "wadispatch.grain.calls",
            () => Observe(directories, static d => d.CallCount),
            "{call}",
            "Grain calls admitted.");
        _activationsCreated = Meter.CreateCounter<long>("wadispatch.grain.activations.created", "{activation}", "Activations that completed activation.");
        _activationsCollected = Meter.CreateCounter<long>("wadispatch.grain.activations.collected", "{activation}", "Activations deactivated, by reason.");
        _queueDepth = Meter.CreateHistogram<int>("wadispatch.grain.queue.depth", "{request}", "An activation's queue depth each time a call has to queue.");
        _turnDuration = Meter.CreateHistogram<double>("wadispatch.grain.turn.duration", "s", "Duration of grain turns, from start to completion.");
    }

    public Meter Meter { get; }

    public void ActivationCreated(KeyValuePair<string, object?> typeTag) => _activationsCreated.Add(1, typeTag);

    public void ActivationDeactivated(KeyValuePair<string, object?> typeTag, DeactivationReason reason) =>
        _activationsCollected.Add(1, typeTag, new KeyValuePair<string, object?>("reason", ReasonTag(reason)));

    public void RecordQueueDepth(int depth, KeyValuePair<string, object?> typeTag) => _queueDepth.Record(depth, typeTag);

    public long StartTurn(TimeProvider timeProvider) => _turnDuration.Enabled ? timeProvider.GetTimestamp() : NotTimed;

    public void RecordTurn(TimeProvider timeProvider, long startTimestamp, KeyValuePair<string, object?> typeTag)
    {
        if (startTimestamp != NotTimed)
        {
            _turnDuration.Record(timeProvider.GetElapsedTime(startTimestamp).TotalSeconds, typeTag);
        }
    }

    private static string ReasonTag(DeactivationReason reason) => reason switch
    {
        DeactivationReason.IdleCollection => "idle",
        DeactivationReason.ShuttingDown => "shutdown",
        _ => "inconsistent_state",
    };

    private static IEnumerable<Measurement<long>> Observe(IReadOnlyList<GrainDirectory> directories, Func<GrainDirectory, long> value)
    {
        foreach (var directory in directories)
        {
            yield return new Measurement<long>(value(directory), directory.TypeTag);
        }
    }
}
