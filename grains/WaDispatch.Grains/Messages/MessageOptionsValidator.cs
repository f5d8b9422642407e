using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Messages;

/// <summary>Checks <see cref="MessageOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class MessageOptionsValidator : IValidateOptions<MessageOptions>
{
    public ValidateOptionsResult Validate(string? name, MessageOptions options)
    {
        var failures = new List<string>();
        if (options.MaxExpiry < TimeSpan.FromMinutes(1) || options.MaxExpiry > TimeSpan.FromDays(365))
        {
            failures.Add($"Messages:MaxExpiry is {options.MaxExpiry}; it must be between 1 minute and 365 days.");
        }

        if (options.DefaultExpiry < TimeSpan.FromSeconds(1) || options.DefaultExpiry > options.MaxExpiry)
        {
            failures.Add($"Messages:DefaultExpiry is {options.DefaultExpiry}; it must be between 1 second and Messages:MaxExpiry ({options.MaxExpiry}).");
        }

        if (options.MaxPermitWait < TimeSpan.FromMilliseconds(10) || options.MaxPermitWait > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Messages:MaxPermitWait is {options.MaxPermitWait}; it must be between 10 ms and 1 minute.");
        }

        if (options.MaxDispatching is < 1 or > 10_000_000)
        {
            failures.Add($"Messages:MaxDispatching is {options.MaxDispatching}; it must be between 1 and 10,000,000.");
        }

        if (options.RequeueDelay < TimeSpan.Zero || options.RequeueDelay > TimeSpan.FromHours(1))
        {
            failures.Add($"Messages:RequeueDelay is {options.RequeueDelay}; it must be between 0 and 1 hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
