namespace WaDispatch.Testing;

/// <summary>A webhook as received: the exact body bytes and the signature header.</summary>
/// <param name="Body">The raw body.</param>
/// <param name="Signature">The <c>X-Hub-Signature-256</c> header (Meta's), or else the <c>X-WaDispatch-Signature-256</c> header (WaDispatch's callbacks).</param>
public sealed record ReceivedWebhook(byte[] Body, string Signature);
