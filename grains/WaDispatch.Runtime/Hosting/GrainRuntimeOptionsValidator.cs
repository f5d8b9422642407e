using Microsoft.Extensions.Options;

namespace WaDispatch.Runtime.Hosting;

/// <summary>Validates <see cref="GrainRuntimeOptions"/> at start-up, naming the offending setting.</summary>
internal sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        List<string>? failures = null;
        if (options.CollectionAge < GrainRuntimeOptions.MinimumCollectionAge)
        {
            (failures ??= []).Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.CollectionAge)} is {options.CollectionAge}; the minimum is {GrainRuntimeOptions.MinimumCollectionAge}.");
        }

        if (options.CollectionQuantum <= TimeSpan.Zero || options.CollectionQuantum > options.CollectionAge)
        {
            (failures ??= []).Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.CollectionQuantum)} is {options.CollectionQuantum}; it must be positive and at most CollectionAge ({options.CollectionAge}).");
        }

        if (options.MaxQueuedRequestsPerActivation < 1)
        {
            (failures ??= []).Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.MaxQueuedRequestsPerActivation)} is {options.MaxQueuedRequestsPerActivation}; it must be at least 1.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
