using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Webhooks;

/// <summary>Checks <see cref="WebhookOptions"/> at start-up, naming each setting that is out of range.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.SubscriptionCheckInterval < TimeSpan.FromMinutes(1) || options.SubscriptionCheckInterval > TimeSpan.FromDays(7))
        {
            failures.Add($"Webhooks:SubscriptionCheckInterval is {options.SubscriptionCheckInterval}; it must be between 1 minute and 7 days.");
        }

        if (options.ManagementCallsPerHour is < 1 or > 5000)
        {
            failures.Add($"Webhooks:ManagementCallsPerHour is {options.ManagementCallsPerHour}; it must be between 1 and 5000 (Meta's hourly limit for an active WABA).");
        }

        if (options.UsageBackoffPercent is < 1 or > 100)
        {
            failures.Add($"Webhooks:UsageBackoffPercent is {options.UsageBackoffPercent}; it must be between 1 and 100.");
        }

        if (options.ManagementBackoff <= TimeSpan.Zero || options.ManagementBackoff > TimeSpan.FromDays(1))
        {
            failures.Add($"Webhooks:ManagementBackoff is {options.ManagementBackoff}; it must be positive and at most 1 day.");
        }

        var tls = options.MutualTls;
        if (tls.Enabled)
        {
            if (tls.Port is < 1 or > 65535)
            {
                failures.Add($"Webhooks:MutualTls:Port is {tls.Port}; it must be between 1 and 65535.");
            }

            foreach (var (setting, path) in new[] { ("CertificatePath", tls.CertificatePath), ("TrustBundlePath", tls.TrustBundlePath) })
            {
                if (string.IsNullOrWhiteSpace(path))
                {
                    failures.Add($"Webhooks:MutualTls:{setting} is required when Webhooks:MutualTls:Enabled is true.");
                }
                else if (!File.Exists(path))
                {
                    failures.Add($"Webhooks:MutualTls:{setting} names {path}, which does not exist.");
                }
            }

            if (tls.KeyPath is { Length: > 0 } key && !File.Exists(key))
            {
                failures.Add($"Webhooks:MutualTls:KeyPath names {key}, which does not exist.");
            }

            if (string.IsNullOrWhiteSpace(tls.SubjectName))
            {
                failures.Add("Webhooks:MutualTls:SubjectName must not be empty when Webhooks:MutualTls:Enabled is true.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
