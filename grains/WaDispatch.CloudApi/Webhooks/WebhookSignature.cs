using System.Security.Cryptography;
using System.Text;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>
/// The <c>X-Hub-Signature-256</c> header: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body keyed
/// with the app secret.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";

    /// <summary>The header value for <paramref name="body"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> body, string appSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(appSecret);
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body, hash);
        return Prefix + Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether <paramref name="header"/> signs exactly <paramref name="body"/>; compared in constant time.</summary>
    public static bool Verify(ReadOnlySpan<byte> body, string? header, string appSecret)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + (HMACSHA256.HashSizeInBytes * 2))
        {
            return false;
        }

        var expected = Compute(body, appSecret);
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected.ToLowerInvariant()),
            Encoding.ASCII.GetBytes(header.ToLowerInvariant()));
    }
}
