using Microsoft.Extensions.Options;

namespace WaDispatch.Silo;

/// <summary>Checks <see cref="OrleansOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class OrleansOptionsValidator : IValidateOptions<OrleansOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, port) in new[] { (nameof(options.SiloPort), options.SiloPort), (nameof(options.GatewayPort), options.GatewayPort) })
        {
            if (port is < 1 or > 65535)
            {
                failures.Add($"{OrleansOptions.SectionName}:{setting} is {port}; it must be a port between 1 and 65535.");
            }
        }

        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{OrleansOptions.SectionName}:{nameof(options.SiloPort)} and {nameof(options.GatewayPort)} are both {options.SiloPort}; they must differ.");
        }

        foreach (var (setting, value) in new[] { (nameof(options.ClusterId), options.ClusterId), (nameof(options.ServiceId), options.ServiceId) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 150)
            {
                failures.Add($"{OrleansOptions.SectionName}:{setting} is '{value}'; it must be 1 to 150 characters.");
            }
        }

        if (options.AdvertisedAddress is { } advertised && !System.Net.IPAddress.TryParse(advertised, out _))
        {
            failures.Add($"{OrleansOptions.SectionName}:{nameof(options.AdvertisedAddress)} is '{advertised}'; it must be an IP address.");
        }

        if (options.ProbeTimeout < TimeSpan.FromMilliseconds(500) || options.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{OrleansOptions.SectionName}:{nameof(options.ProbeTimeout)} is {options.ProbeTimeout}; it must be between 00:00:00.500 and 00:01:00.");
        }

        if (!Enum.IsDefined(options.Membership))
        {
            failures.Add($"{OrleansOptions.SectionName}:{nameof(options.Membership)} is {options.Membership}; it must be Localhost or AdoNet.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
