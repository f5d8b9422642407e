using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Budgets;

/// <summary>Checks <see cref="BudgetOptions"/> at start-up; a failure names its setting.</summary>
internal sealed class BudgetOptionsValidator : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options) =>
        MessagingLimitTiers.TryParse(options.DefaultTier, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Budgets:DefaultTier is '{options.DefaultTier}'; it must be one of {string.Join(", ", MessagingLimitTiers.WireNames)}.");
}
