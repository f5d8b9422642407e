using Microsoft.Extensions.Options;

namespace WaDispatch.Silo.FrontDoor;

/// <summary>Checks <see cref="ApiOptions"/> at start-up; each failure names its setting (never a key's value).</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();
        foreach (var (keyName, key) in options.Keys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length < ApiOptions.MinKeyLength)
            {
                failures.Add($"Api:Keys:{keyName} is shorter than {ApiOptions.MinKeyLength} characters.");
            }
        }

        if (options.RequestsPerSecond is < 1 or > 1_000_000)
        {
            failures.Add($"Api:RequestsPerSecond is {options.RequestsPerSecond}; it must be between 1 and 1,000,000.");
        }

        if (options.Burst is < 1 or > 10_000_000)
        {
            failures.Add($"Api:Burst is {options.Burst}; it must be between 1 and 10,000,000.");
        }

        if (options.MaxConnections is < 1 or > 1_000_000)
        {
            failures.Add($"Api:MaxConnections is {options.MaxConnections}; it must be between 1 and 1,000,000.");
        }

        if (options.MaxRequestBytes is < 1024 or > 1L << 30)
        {
            failures.Add($"Api:MaxRequestBytes is {options.MaxRequestBytes}; it must be between 1,024 and 1,073,741,824.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
