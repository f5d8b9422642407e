using Microsoft.Extensions.Options;

namespace WaDispatch.Storage;

/// <summary>Validates <see cref="StorageOptions"/> at start-up, naming the offending setting.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const int MaxConnectionsLimit = 1000;

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

        if (options.MaxConnections is < 1 or > MaxConnectionsLimit)
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.SectionName}:{nameof(options.MaxConnections)} is {options.MaxConnections}; it must be between 1 and {MaxConnectionsLimit}.");
        }

        return ValidateOptionsResult.Success;
    }
}
