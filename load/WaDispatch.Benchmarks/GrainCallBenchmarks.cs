using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WaDispatch.Runtime;
using WaDispatch.Runtime.Hosting;

namespace WaDispatch.Benchmarks;

/// <summary>
/// Grain calls against the same work done directly under a lock. Each category has its own baseline;
/// results are per call (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class GrainCallBenchmarks
{
    private const int SequentialCalls = 100_000;
    private const int Activations = 10_000;
    private const int CallsPerCaller = 50_000;

    private static readonly Func<ICounter, long, ValueTask<long>> Add = static (grain, amount) => grain.AddAsync(amount);

    private ServiceProvider _services = null!;
    private GrainRuntime _runtime = null!;
    private string[] _keys = null!;
    private LockedCounter[] _locked = null!;
    private GrainReference<ICounter> _hot;

    /// <summary>Concurrent callers; two per core keeps both cores busy while some callers wait.</summary>
    public static int Callers => Environment.ProcessorCount * 2;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddGrainRuntime().AddGrain<ICounter, CounterGrain>(_ => new CounterGrain());
        _services = services.BuildServiceProvider();
        _runtime = _services.GetRequiredService<GrainRuntime>();
        ((IHostedService)_runtime).StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _keys = [.. Enumerable.Range(0, Activations).Select(i => $"+1650555{i:D4}")];
        _locked = [.. _keys.Select(_ => new LockedCounter())];
        _hot = _runtime.GetGrain<ICounter>("hot");
        foreach (var key in _keys)
        {
            _runtime.GetGrain<ICounter>(key).InvokeAsync(Add, 0).AsTask().GetAwaiter().GetResult();
        }

        _hot.InvokeAsync(Add, 0).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runtime.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SequentialCalls)]
    [BenchmarkCategory("OneHotActivation")]
    public long LockOneObject()
    {
        var counter = _locked[0];
        long last = 0;
        for (var i = 0; i < SequentialCalls; i++)
        {
            last = counter.Add(1);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = SequentialCalls)]
    [BenchmarkCategory("OneHotActivation")]
    public async Task<long> GrainOneHotActivation()
    {
        var grain = _hot;
        long last = 0;
        for (var i = 0; i < SequentialCalls; i++)
        {
            last = await grain.InvokeAsync(Add, 1);
        }

        return last;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerCaller)]
    [BenchmarkCategory("ManyActivationsManyCallers")]
    public Task LockManyObjectsManyCallers() => RunCallers(static (self, caller) =>
    {
        for (var i = 0; i < CallsPerCaller / Callers; i++)
        {
            self._locked[Spread(caller, i)].Add(1);
        }

        return Task.CompletedTask;
    });

    [Benchmark(OperationsPerInvoke = CallsPerCaller)]
    [BenchmarkCategory("ManyActivationsManyCallers")]
    public Task GrainManyActivationsManyCallers() => RunCallers(static async (self, caller) =>
    {
        var runtime = self._runtime;
        for (var i = 0; i < CallsPerCaller / Callers; i++)
        {
            await runtime.GetGrain<ICounter>(self._keys[Spread(caller, i)]).InvokeAsync(Add, 1);
        }
    });

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerCaller)]
    [BenchmarkCategory("OneHotActivationManyCallers")]
    public Task LockOneObjectManyCallers() => RunCallers(static (self, _) =>
    {
        var counter = self._locked[0];
        for (var i = 0; i < CallsPerCaller / Callers; i++)
        {
            counter.Add(1);
        }

        return Task.CompletedTask;
    });

    [Benchmark(OperationsPerInvoke = CallsPerCaller)]
    [BenchmarkCategory("OneHotActivationManyCallers")]
    public Task GrainOneHotActivationManyCallers() => RunCallers(static async (self, _) =>
    {
        var grain = self._hot;
        for (var i = 0; i < CallsPerCaller / Callers; i++)
        {
            await grain.InvokeAsync(Add, 1);
        }
    });

    // A caller walks the keys with a stride, so that callers rarely meet on one activation.
    private static int Spread(int caller, int i) => (int)(((long)i * 7919 + caller * 104_729) % Activations);

    private Task RunCallers(Func<GrainCallBenchmarks, int, Task> caller)
    {
        var callers = new Task[Callers];
        for (var c = 0; c < callers.Length; c++)
        {
            var index = c;
            callers[c] = Task.Run(() => caller(this, index));
        }

        return Task.WhenAll(callers);
    }
}
