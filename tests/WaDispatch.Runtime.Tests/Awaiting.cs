namespace WaDispatch.Runtime.Tests;

/// <summary>Awaits with a generous bound, so that a broken semantic fails the test instead of hanging it.</summary>
internal static class Awaiting
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static Task<T> Within<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Bound);

    public static Task Within(this ValueTask task) => task.AsTask().WaitAsync(Bound);

    public static Task Within(this Task task) => task.WaitAsync(Bound);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Bound);
}
