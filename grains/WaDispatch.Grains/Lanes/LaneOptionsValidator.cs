using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Lanes;

/// <summary>Checks <see cref="LaneOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class LaneOptionsValidator : IValidateOptions<LaneOptions>
{
    public ValidateOptionsResult Validate(string? name, LaneOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultThroughputMps is < 1 or > LaneConfiguration.MaxThroughputMps)
        {
            failures.Add($"Lanes:DefaultThroughputMps is {options.DefaultThroughputMps}; it must be between 1 and {LaneConfiguration.MaxThroughputMps}.");
        }

        if (options.MaxInFlight < 1)
        {
            failures.Add($"Lanes:MaxInFlight is {options.MaxInFlight}; it must be at least 1.");
        }

        if (options.InitialInFlight < 1 || options.InitialInFlight > options.MaxInFlight)
        {
            failures.Add($"Lanes:InitialInFlight is {options.InitialInFlight}; it must be between 1 and Lanes:MaxInFlight ({options.MaxInFlight}).");
        }

        if (options.MaxBacklogMemory < 1024 * 1024)
        {
            failures.Add($"Lanes:MaxBacklogMemory is {options.MaxBacklogMemory}; it must be at least 1 MiB (1048576 bytes).");
        }

        if (options.BytesPerQueuedSend is < 64 or > 1024 * 1024)
        {
            failures.Add($"Lanes:BytesPerQueuedSend is {options.BytesPerQueuedSend}; it must be between 64 and 1048576.");
        }

        if (options.QueueWindow < TimeSpan.FromSeconds(1) || options.QueueWindow > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Lanes:QueueWindow is {options.QueueWindow}; it must be between 1 s and 10 min.");
        }

        if (options.MinQueuedSends is < 1 or > 1_000_000)
        {
            failures.Add($"Lanes:MinQueuedSends is {options.MinQueuedSends}; it must be between 1 and 1,000,000.");
        }

        if (options.ParkingHold < TimeSpan.FromMilliseconds(10) || options.ParkingHold > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Lanes:ParkingHold is {options.ParkingHold}; it must be between 10 ms and 1 min.");
        }

        if (options.ParkedRankWait < TimeSpan.FromMilliseconds(10) || options.ParkedRankWait > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Lanes:ParkedRankWait is {options.ParkedRankWait}; it must be between 10 ms and 1 min.");
        }

        if (options.ParkedTellWait < TimeSpan.Zero || options.ParkedTellWait > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Lanes:ParkedTellWait is {options.ParkedTellWait}; it must be between 0 and 1 min.");
        }

        if (options.MaxRetryDelay <= TimeSpan.Zero)
        {
            failures.Add($"Lanes:MaxRetryDelay is {options.MaxRetryDelay}; it must be positive.");
        }

        if (options.MaintenancePause <= TimeSpan.Zero)
        {
            failures.Add($"Lanes:MaintenancePause is {options.MaintenancePause}; it must be positive.");
        }

        if (options.Headroom is < 0 or >= 0.5)
        {
            failures.Add($"Lanes:Headroom is {options.Headroom}; it must be at least 0 and below 0.5.");
        }

        if (options.MaxCatchUp < TimeSpan.Zero || options.MaxCatchUp > TimeSpan.FromSeconds(1))
        {
            failures.Add($"Lanes:MaxCatchUp is {options.MaxCatchUp}; it must be between 0 and 1 second.");
        }

        if (options.DepartureDelay < TimeSpan.Zero || options.DepartureDelay > TimeSpan.FromSeconds(5))
        {
            failures.Add($"Lanes:DepartureDelay is {options.DepartureDelay}; it must be between 0 and 5 seconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
