namespace WaDispatch.Runtime.Tests.Grains;

/// <summary>A test grain that exposes each runtime semantic to a test.</summary>
public interface ICounterGrain
{
    ValueTask<int> AddAsync(int amount);

    ValueTask<int> AddAndSaveAsync(int amount);

    ValueTask<int> GetAsync();

    ValueTask SaveAsync();

    ValueTask<int> FailAsync(string message);

    ValueTask<int> EnterAsync(string name, Task gate);

    ValueTask<int> InsideAsync();

    ValueTask StartTimerAsync(TimeSpan dueTime, TimeSpan period, Task? gate);

    ValueTask<int> TimerTicksAsync();
}
