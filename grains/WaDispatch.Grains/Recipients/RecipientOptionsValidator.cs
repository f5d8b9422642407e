using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace WaDispatch.Grains.Recipients;

/// <summary>Checks <see cref="RecipientOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class RecipientOptionsValidator : IValidateOptions<RecipientOptions>
{
    public ValidateOptionsResult Validate(string? name, RecipientOptions options)
    {
        var failures = new List<string>();
        Positive(options.IdleCollectionAge, "Recipients:IdleCollectionAge", failures);

        Positive(options.UndeliverableFor, "Recipients:UndeliverableFor", failures);
        Positive(options.MarketingCapWait, "Recipients:MarketingCapWait", failures);
        Positive(options.PairInterval, "Recipients:PairInterval", failures);
        Positive(options.MaxPairSnooze, "Recipients:MaxPairSnooze", failures);
        if (options.DirectoryCacheSize is < 1_000 or > 10_000_000)
        {
            failures.Add($"Recipients:DirectoryCacheSize is {options.DirectoryCacheSize}; it must be between 1000 and 10000000.");
        }

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

/// <summary>
/// Checks at silo start that recipients can be collected at their idle age: Orleans sweeps once per collection quantum.
/// Read when the silo validates its configuration, after both options are built (the collection options are built
/// from the recipient options).
/// </summary>
internal sealed class RecipientCollectionValidator(IOptions<RecipientOptions> recipients, IOptions<GrainCollectionOptions> collection) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var age = recipients.Value.IdleCollectionAge;
        var quantum = collection.Value.CollectionQuantum;
        if (age <= quantum)
        {
            throw new OrleansConfigurationException($"Recipients:IdleCollectionAge is {age}; it must be longer than Orleans' collection quantum ({quantum}).");
        }
    }
}
