using Microsoft.Extensions.Options;

namespace WaDispatch.Client;

/// <summary>Settings of the gRPC client (<c>services.AddWaDispatchGrpcClient(o => …)</c>).</summary>
public sealed class WaDispatchGrpcClientOptions
{
    /// <summary>The silo's gRPC address, e.g. <c>http://localhost:5081</c> (cleartext HTTP/2) or an https address. Required.</summary>
    public Uri? Address { get; set; }

    /// <summary>The API key (<c>authorization: Bearer</c> metadata), when the silo has keys configured. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The deadline of one unary call. Default 30 s (a send may wait up to the silo's permit wait first). Streams have none.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a call that failed UNAVAILABLE, each with the same request and idempotency key. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones double, with jitter (gRPC's retry policy). Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>Checks <see cref="WaDispatchGrpcClientOptions"/>; each failure names its setting.</summary>
internal sealed class WaDispatchGrpcClientOptionsValidator : IValidateOptions<WaDispatchGrpcClientOptions>
{
    public ValidateOptionsResult Validate(string? name, WaDispatchGrpcClientOptions options)
    {
        var failures = new List<string>();
        if (options.Address is not { IsAbsoluteUri: true } address || address.Scheme is not ("http" or "https"))
        {
            failures.Add("WaDispatchGrpcClientOptions.Address must be an absolute http or https address of the silo's gRPC port, e.g. http://localhost:5081.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"WaDispatchGrpcClientOptions.Timeout is {options.Timeout}; it must be between 1 second and 10 minutes.");
        }

        if (options.MaxRetries is < 0 or > 4)
        {
            failures.Add($"WaDispatchGrpcClientOptions.MaxRetries is {options.MaxRetries}; it must be between 0 and 4 (gRPC allows 5 attempts at most).");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"WaDispatchGrpcClientOptions.RetryDelay is {options.RetryDelay}; it must be more than 0 and at most 1 minute.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
