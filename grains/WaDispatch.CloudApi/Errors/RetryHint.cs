namespace WaDispatch.CloudApi.Errors;

/// <summary>Whether and when to try again after an error.</summary>
/// <param name="Retry">Whether the same send may be retried.</param>
/// <param name="Delay">The wait before the first retry.</param>
/// <param name="BackoffFactor">How much each further wait grows (1 = constant; 4 = the pair-rate 4^X rule).</param>
public readonly record struct RetryHint(bool Retry, TimeSpan Delay, double BackoffFactor)
{
    /// <summary>Never retry as is.</summary>
    public static RetryHint Never { get; } = new(false, TimeSpan.Zero, 1);

    /// <summary>The wait before retry number <paramref name="attempt"/> (0 for the first), capped at <paramref name="max"/>.</summary>
    public TimeSpan DelayFor(int attempt, TimeSpan max)
    {
        if (!Retry)
        {
            return TimeSpan.Zero;
        }

        var seconds = Delay.TotalSeconds * Math.Pow(BackoffFactor, Math.Max(0, attempt));
        return seconds >= max.TotalSeconds ? max : TimeSpan.FromSeconds(seconds);
    }
}
