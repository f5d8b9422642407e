using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaDispatch.Benchmarks;

/// <summary>
/// Grain calls on an Orleans silo (co-hosted, as WaDispatch's are, called through the silo's own client) against the
/// same work done directly under a lock. Each category has its own baseline; results are per call (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class GrainCallBenchmarks
{
    private const int SequentialCalls = 100_000;
    private const int Activations = 10_000;
    private const int CallsPerCaller = 50_000;

    private IHost _silo = null!;
    private IGrainFactory _grains = null!;
    private ICounter[] _counters = null!;
    private LockedCounter[] _locked = null!;
    private ICounter _hot = null!;

    /// <summary>Concurrent callers; two per core keeps both cores busy while some callers wait.</summary>
    public static int Callers => Environment.ProcessorCount * 2;

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // One silo on localhost, as WaDispatch runs by default; ports of its own so that a running silo does not clash.
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: 21111, gatewayPort: 31000));
        _silo = builder.Build();
        _silo.StartAsync().GetAwaiter().GetResult();
        _grains = _silo.Services.GetRequiredService<IGrainFactory>();
        _counters = [.. Enumerable.Range(0, Activations).Select(i => _grains.GetGrain<ICounter>($"+1650555{i:D4}"))];
        _locked = [.. _counters.Select(_ => new LockedCounter())];
        _hot = _grains.GetGrain<ICounter>("hot");
        // Every activation created before measuring: the benchmarks measure calls, not activations.
        Task.WhenAll(_counters.Select(counter => counter.AddAsync(0).AsTask())).GetAwaiter().GetResult();
        _hot.AddAsync(0).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _silo.StopAsync().GetAwaiter().GetResult();
        _silo.Dispose();
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
            last = await grain.AddAsync(1);
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
        var counters = self._counters;
        for (var i = 0; i < CallsPerCaller / Callers; i++)
        {
            await counters[Spread(caller, i)].AddAsync(1);
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
            await grain.AddAsync(1);
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
