using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Messages;

/// <summary>Checks <see cref="CallbackOptions"/> at start-up; each failure names its setting (never the secret).</summary>
internal sealed class CallbackOptionsValidator : IValidateOptions<CallbackOptions>
{
    public ValidateOptionsResult Validate(string? name, CallbackOptions options)
    {
        var failures = new List<string>();
        if (options.Secret is { Length: > 0 and < 16 })
        {
            failures.Add("Callbacks:Secret is shorter than 16 characters.");
        }

        if (options.RetryFor < TimeSpan.FromSeconds(1) || options.RetryFor > TimeSpan.FromDays(30))
        {
            failures.Add($"Callbacks:RetryFor is {options.RetryFor}; it must be between 1 second and 30 days.");
        }

        if (options.MaxRetryDelay < TimeSpan.FromSeconds(1) || options.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add($"Callbacks:MaxRetryDelay is {options.MaxRetryDelay}; it must be between 1 second and 1 day.");
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Callbacks:Timeout is {options.Timeout}; it must be between 100 ms and 5 minutes.");
        }

        if (options.MaxConcurrent is < 1 or > 1000)
        {
            failures.Add($"Callbacks:MaxConcurrent is {options.MaxConcurrent}; it must be between 1 and 1,000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
