using Microsoft.Extensions.Options;

namespace WaDispatch.Storage;

/// <summary>Validates <see cref="StorageOptions"/> at start-up, naming the offending setting.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.SectionName}:{nameof(options.Provider)} is '{options.Provider}'; use Sqlite or PostgreSql.");
        }

        if (options.Provider == StorageProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.SectionName}:{nameof(options.ConnectionString)} is required when {StorageOptions.SectionName}:{nameof(options.Provider)} is PostgreSql.");
        }

        return ValidateOptionsResult.Success;
    }
}
