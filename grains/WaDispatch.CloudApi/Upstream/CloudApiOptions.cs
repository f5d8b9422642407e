namespace WaDispatch.CloudApi.Upstream;

/// <summary>Settings of the upstream Cloud API client (configuration section <c>CloudApi</c>).</summary>
public sealed class CloudApiOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "CloudApi";

    /// <summary>The Graph API's address. Default <c>https://graph.facebook.com</c>.</summary>
    public Uri BaseAddress { get; set; } = new("https://graph.facebook.com");

    /// <summary>The Graph API version in request paths. Default <c>v21.0</c>.</summary>
    public string ApiVersion { get; set; } = "v21.0";

    /// <summary>How long one send may take before it counts as failed (outcome unknown). Default 20 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Connections per upstream server: enough for every number's in-flight sends. Default 512.</summary>
    public int MaxConnectionsPerServer { get; set; } = 512;

    /// <summary>The access token for numbers without their own. From configuration or environment only; never logged.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Access tokens per phone number id (<c>CloudApi:AccessTokens:{phone_number_id}</c>).</summary>
    public Dictionary<string, string> AccessTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>The token for <paramref name="phoneNumberId"/>, or null when none is configured.</summary>
    public string? TokenFor(string phoneNumberId) =>
        AccessTokens.TryGetValue(phoneNumberId, out var token) && !string.IsNullOrEmpty(token) ? token
        : string.IsNullOrEmpty(AccessToken) ? null : AccessToken;
}
