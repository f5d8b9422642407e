namespace WaDispatch.Testing;

/// <summary>Waits for work on other threads to reach a state a test cannot await directly.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; throws after <paramref name="timeout"/> (default 15 s).</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(2);
        }
    }

    /// <summary>Polls the asynchronous <paramref name="condition"/> until it holds; throws after <paramref name="timeout"/> (default 15 s).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(10);
        }
    }
}
