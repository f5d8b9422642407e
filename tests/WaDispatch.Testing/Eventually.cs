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

    /// <summary>
    /// Polls the asynchronous <paramref name="condition"/> until it holds; throws after <paramref name="timeout"/> (default
    /// 15 s), saying what <paramref name="describe"/> says about the last state when given.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, Func<string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time." + (describe is null ? string.Empty : " " + describe()));
            }

            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Polls <paramref name="value"/> until it has not changed for <paramref name="quiet"/> and answers it: for
    /// "the sending stopped" without guessing how long the work in flight takes on a busy machine. Throws
    /// after <paramref name="timeout"/> (default 30 s) if it never settles.
    /// </summary>
    public static async Task<T> SettledAsync<T>(Func<T> value, TimeSpan quiet, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = value();
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < quiet)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The value did not settle in time (last {last}).");
            }

            await Task.Delay(20);
            var now = value();
            if (!EqualityComparer<T>.Default.Equals(now, last))
            {
                (last, since) = (now, DateTime.UtcNow);
            }
        }

        return last;
    }
}
