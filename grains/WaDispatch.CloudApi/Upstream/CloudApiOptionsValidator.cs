using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace WaDispatch.CloudApi.Upstream;

/// <summary>Validates <see cref="CloudApiOptions"/> at start-up, naming the offending setting.</summary>
internal sealed partial class CloudApiOptionsValidator : IValidateOptions<CloudApiOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudApiOptions options)
    {
        const string section = CloudApiOptions.SectionName;
        if (options.BaseAddress is not { IsAbsoluteUri: true } address || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            return ValidateOptionsResult.Fail($"{section}:{nameof(options.BaseAddress)} is '{options.BaseAddress}'; it must be an absolute http(s) URL.");
        }

        if (!ApiVersionPattern().IsMatch(options.ApiVersion ?? string.Empty))
        {
            return ValidateOptionsResult.Fail($"{section}:{nameof(options.ApiVersion)} is '{options.ApiVersion}'; it must look like v21.0.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{section}:{nameof(options.Timeout)} is {options.Timeout}; it must be positive.");
        }

        return options.MaxConnectionsPerServer < 1
            ? ValidateOptionsResult.Fail($"{section}:{nameof(options.MaxConnectionsPerServer)} is {options.MaxConnectionsPerServer}; it must be at least 1.")
            : ValidateOptionsResult.Success;
    }

    [GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial Regex ApiVersionPattern();
}
