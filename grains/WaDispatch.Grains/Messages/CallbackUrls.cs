namespace WaDispatch.Grains.Messages;

/// <summary>What a <c>callback_url</c> may be.</summary>
internal static class CallbackUrls
{
    /// <summary>Null when <paramref name="url"/> is acceptable (or absent), else the error detail naming <paramref name="field"/>.</summary>
    public static string? Check(string? url, string field, CallbackOptions options) =>
        url is null ? null
        : url.Length > CallbackOptions.MaxUrlLength ? $"{field} is {url.Length} characters long; the limit is {CallbackOptions.MaxUrlLength}."
        : !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ? $"{field} must be an absolute http or https URL."
        : options.Secret is not { Length: > 0 } ? $"{field} needs Callbacks:Secret configured: the key that signs status callbacks."
        : null;
}
