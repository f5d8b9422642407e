using Microsoft.Extensions.Options;

namespace WaDispatch.Simulator;

/// <summary>Validates <see cref="SimulatorOptions"/> at start-up, naming the offending setting.</summary>
internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        const string s = SimulatorOptions.SectionName;
        List<string> failures = [];
        if (options.DefaultMessagesPerSecond < 1)
        {
            failures.Add($"{s}:{nameof(options.DefaultMessagesPerSecond)} is {options.DefaultMessagesPerSecond}; it must be at least 1.");
        }

        if (options.PairInterval <= TimeSpan.Zero || options.PairBurst < 1)
        {
            failures.Add($"{s}:{nameof(options.PairInterval)} must be positive and {s}:{nameof(options.PairBurst)} at least 1.");
        }

        if (options.DuplicateRate is < 0 or > 1 || options.ReorderRate is < 0 or > 1)
        {
            failures.Add($"{s}:{nameof(options.DuplicateRate)} and {s}:{nameof(options.ReorderRate)} must be between 0 and 1.");
        }

        if (options.ManagementCallsPerHour < 1)
        {
            failures.Add($"{s}:{nameof(options.ManagementCallsPerHour)} must be at least 1.");
        }

        if (options.MaxWebhookAttempts < 1 || options.WebhookRetryDelay <= TimeSpan.Zero)
        {
            failures.Add($"{s}:{nameof(options.MaxWebhookAttempts)} must be at least 1 and {s}:{nameof(options.WebhookRetryDelay)} positive.");
        }

        if (string.IsNullOrEmpty(options.AccessToken) || string.IsNullOrEmpty(options.AppSecret))
        {
            failures.Add($"{s}:{nameof(options.AccessToken)} and {s}:{nameof(options.AppSecret)} must not be empty.");
        }

        if (options.WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{s}:{nameof(options.WebhookUrl)} is '{url}'; it must be an absolute http(s) URL.");
        }

        if (options.MaxPendingWebhooks < 1)
        {
            failures.Add($"{s}:{nameof(options.MaxPendingWebhooks)} is {options.MaxPendingWebhooks}; it must be at least 1.");
        }

        if (options.MaxRequestBytes < 1024)
        {
            failures.Add($"{s}:{nameof(options.MaxRequestBytes)} is {options.MaxRequestBytes}; it must be at least 1024.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
