namespace WaDispatch.CloudApi.Management;

/// <summary>A WABA's own webhook callback (<c>override_callback_uri</c>) and the token Meta's verification echoes.</summary>
/// <param name="CallbackUri">Where this WABA's webhooks go instead of the app's callback URL.</param>
/// <param name="VerifyToken">The <c>hub.verify_token</c> Meta sends when it verifies <paramref name="CallbackUri"/>.</param>
public sealed record WebhookOverride(Uri CallbackUri, string VerifyToken);
