using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Recipients;

/// <summary>Checks <see cref="RecipientOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class RecipientOptionsValidator : IValidateOptions<RecipientOptions>
{
    public ValidateOptionsResult Validate(string? name, RecipientOptions options)
    {
        var failures = new List<string>();
        Positive(options.UndeliverableFor, "Recipients:UndeliverableFor", failures);
        Positive(options.MarketingCapWait, "Recipients:MarketingCapWait", failures);
        Positive(options.PairInterval, "Recipients:PairInterval", failures);
        Positive(options.MaxPairSnooze, "Recipients:MaxPairSnooze", failures);
        if (options.PairBurst is < 1 or > 10_000)
        {
            failures.Add($"Recipients:PairBurst is {options.PairBurst}; it must be between 1 and 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(TimeSpan value, string setting, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{setting} is {value}; it must be positive.");
        }
    }
}
