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

    /// <summary>
    /// Named access tokens (<c>CloudApi:AccessTokens:{name}</c>): a number uses the entry named by its
    /// token reference, else the entry named by its phone number id, else <see cref="AccessToken"/>.
    /// </summary>
    public Dictionary<string, string> AccessTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>The token named <paramref name="name"/>, else the default token; null when neither is configured.</summary>
    public string? TokenFor(string name) =>
        AccessTokens.TryGetValue(name, out var token) && !string.IsNullOrEmpty(token) ? token
        : string.IsNullOrEmpty(AccessToken) ? null : AccessToken;
}
