using Microsoft.Extensions.Options;

namespace WaDispatch.Client;

/// <summary>Settings of the remote client (<c>services.AddWaDispatchClient(o => …)</c>).</summary>
public sealed class WaDispatchClientOptions
{
    /// <summary>The silo's address, e.g. <c>http://localhost:5080/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key (<c>Authorization: Bearer</c>), when the silo has keys configured. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The Graph API version in the path of the Cloud API-compatible route. Default <c>v21.0</c>.</summary>
    public string ApiVersion { get; set; } = "v21.0";

    /// <summary>How long one attempt may take. Default 30 s (a send may wait up to the silo's permit wait first).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a transient failure (network, timeout, 5xx), each with the same idempotency key. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones double, with jitter, unless the silo says <c>Retry-After</c>. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>Checks <see cref="WaDispatchClientOptions"/>; each failure names its setting.</summary>
internal sealed class WaDispatchClientOptionsValidator : IValidateOptions<WaDispatchClientOptions>
{
    public ValidateOptionsResult Validate(string? name, WaDispatchClientOptions options)
    {
        var failures = new List<string>();
        if (options.BaseAddress is not { IsAbsoluteUri: true } address || address.Scheme is not ("http" or "https"))
        {
            failures.Add("WaDispatchClientOptions.BaseAddress must be an absolute http or https address of the silo, e.g. http://localhost:5080/.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiVersion) || !options.ApiVersion.StartsWith('v'))
        {
            failures.Add($"WaDispatchClientOptions.ApiVersion is '{options.ApiVersion}'; it must look like v21.0.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"WaDispatchClientOptions.Timeout is {options.Timeout}; it must be between 1 second and 10 minutes.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"WaDispatchClientOptions.MaxRetries is {options.MaxRetries}; it must be between 0 and 10.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"WaDispatchClientOptions.RetryDelay is {options.RetryDelay}; it must be between 0 and 1 minute.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
