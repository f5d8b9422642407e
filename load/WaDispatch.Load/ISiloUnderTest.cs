namespace WaDispatch.Load;

/// <summary>Where WaDispatch runs in a load run: the silo's own process.</summary>
internal interface ISiloUnderTest
{
    /// <summary>CPU time used so far.</summary>
    TimeSpan ProcessorTime { get; }

    /// <summary>The largest working set sampled.</summary>
    long PeakWorkingSet { get; }

    /// <summary>The working set now.</summary>
    long WorkingSet { get; }

    /// <summary>Samples the working set (about once a second).</summary>
    void Sample();
}

/// <summary>Sampling helpers.</summary>
internal static class SiloUnderTestExtensions
{
    /// <summary>Samples the working set once a second until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task SampleEverySecondAsync(this ISiloUnderTest silo, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            silo.Sample();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
