using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Templates;

/// <summary>Checks <see cref="TemplateOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class TemplateOptionsValidator : IValidateOptions<TemplateOptions>
{
    public ValidateOptionsResult Validate(string? name, TemplateOptions options)
    {
        var failures = new List<string>();
        if (options.SyncInterval < TimeSpan.FromMinutes(1) || options.SyncInterval > TimeSpan.FromDays(7))
        {
            failures.Add($"Templates:SyncInterval is {options.SyncInterval}; it must be between 1 minute and 7 days.");
        }

        if (options.WabaIds.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Templates:WabaIds holds an empty entry.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
