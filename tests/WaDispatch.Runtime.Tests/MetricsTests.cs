using WaDispatch.Testing;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using WaDispatch.Runtime.Tests.Grains;
using Xunit;

namespace WaDispatch.Runtime.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task TheRuntime_ReportsActivationsCallsQueueDepthAndTurnDurations()
    {
        await using var harness = await RuntimeHarness.StartAsync();
        var meter = harness.Runtime.Metrics.Meter;
        var longs = new ConcurrentDictionary<string, long>();
        var depths = new ConcurrentQueue<int>();
        var turns = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + Tags(tags);
            if (instrument.Name is "wadispatch.grain.activations" or "wadispatch.grain.calls")
            {
                longs[key] = value;
            }
            else
            {
                longs.AddOrUpdate(key, value, (_, sum) => sum + value);
            }
        });
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => depths.Enqueue(value));
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => turns.Enqueue(value));
        listener.Start();

        var counter = harness.Counter("a");
        await counter.AddAsync(1).Within();
        Assert.Equal([1], depths); // the first call queues behind activation
        var gate = GrainProbe.NewSignal();
        var running = counter.EnterAsync("running", gate.Task);
        await Eventually.UntilAsync(() => harness.Probe.Log.Contains("enter running"));
        depths.Clear();
        var queued = new[] { counter.AddAsync(1).AsTask(), counter.AddAsync(1).AsTask() };
        gate.SetResult();
        await running.Within();
        await Task.WhenAll(queued).Within();
        listener.RecordObservableInstruments();

        Assert.Equal(1, longs["wadispatch.grain.activations{grain.type=counter}"]);
        Assert.Equal(0, longs["wadispatch.grain.activations{grain.type=short-lived-counter}"]);
        Assert.Equal(1, longs["wadispatch.grain.activations.created{grain.type=counter}"]);
        Assert.Equal(4, longs["wadispatch.grain.calls{grain.type=counter}"]);
        Assert.Equal([1, 2], depths);
        Assert.Equal(4, turns.Count);
        Assert.All(turns, t => Assert.True(t >= 0));

        harness.Time.Advance(TimeSpan.FromMinutes(16));
        await harness.Probe.DeactivationFinished.Task.Within();
        listener.RecordObservableInstruments();

        Assert.Equal(0, longs["wadispatch.grain.activations{grain.type=counter}"]);
        Assert.Equal(1, longs["wadispatch.grain.activations.collected{grain.type=counter,reason=idle}"]);
        Assert.Equal(4, longs["wadispatch.grain.calls{grain.type=counter}"]);
    }

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        return "{" + string.Join(',', parts) + "}";
    }
}
