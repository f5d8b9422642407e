namespace WaDispatch.Runtime.Tests.Grains;

/// <summary>The calls of <see cref="ICounterGrain"/>, as callers write them.</summary>
public static class CounterGrainCalls
{
    public static ValueTask<int> AddAsync<T>(this GrainReference<T> grain, int amount)
        where T : class, ICounterGrain => grain.InvokeAsync(static (g, a) => g.AddAsync(a), amount);

    public static ValueTask<int> AddAndSaveAsync<T>(this GrainReference<T> grain, int amount)
        where T : class, ICounterGrain => grain.InvokeAsync(static (g, a) => g.AddAndSaveAsync(a), amount);

    public static ValueTask<int> GetAsync<T>(this GrainReference<T> grain)
        where T : class, ICounterGrain => grain.InvokeAsync(static g => g.GetAsync());

    public static ValueTask SaveAsync<T>(this GrainReference<T> grain)
        where T : class, ICounterGrain => grain.InvokeAsync(static g => g.SaveAsync());

    public static ValueTask<int> FailAsync<T>(this GrainReference<T> grain, string message)
        where T : class, ICounterGrain => grain.InvokeAsync(static (g, m) => g.FailAsync(m), message);

    public static ValueTask<int> EnterAsync<T>(this GrainReference<T> grain, string name, Task gate)
        where T : class, ICounterGrain => grain.InvokeAsync(static (g, a) => g.EnterAsync(a.name, a.gate), (name, gate));

    public static ValueTask<int> InsideAsync<T>(this GrainReference<T> grain)
        where T : class, ICounterGrain => grain.InvokeAsync(static g => g.InsideAsync());

    public static ValueTask<int> InsideInterleavedAsync<T>(this GrainReference<T> grain)
        where T : class, ICounterGrain => grain.InvokeInterleavedAsync(static g => g.InsideAsync());

    public static ValueTask StartTimerAsync<T>(this GrainReference<T> grain, TimeSpan period, Task? gate = null, TimeSpan? dueTime = null)
        where T : class, ICounterGrain => grain.InvokeAsync(static (g, a) => g.StartTimerAsync(a.dueTime, a.period, a.gate), (dueTime: dueTime ?? period, period, gate));

    public static ValueTask<int> TimerTicksAsync<T>(this GrainReference<T> grain)
        where T : class, ICounterGrain => grain.InvokeAsync(static g => g.TimerTicksAsync());

    public static ValueTask<int> TimerTicksInterleavedAsync<T>(this GrainReference<T> grain)
        where T : class, ICounterGrain => grain.InvokeInterleavedAsync(static g => g.TimerTicksAsync());
}
