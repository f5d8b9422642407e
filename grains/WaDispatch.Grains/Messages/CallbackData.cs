using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Validation;

namespace WaDispatch.Grains.Messages;

/// <summary>
/// WaDispatch's own message id, carried to Meta in <c>biz_opaque_callback_data</c> around whatever the caller put there.
/// Meta echoes that field in every status webhook, so a status for a <c>wamid</c> the ledger never recorded (the silo
/// died after Meta accepted the send, before recording its answer) still finds its message.
/// </summary>
/// <remarks>
/// The wrapped form is <c>wd1:{id}</c> or <c>wd1:{id}:{caller's value}</c>, with the 32-hex-digit id. It is used only
/// when it fits Meta's 512 characters: a caller's value longer than 475 goes as it came, and that message is found by
/// its <c>wamid</c> alone. The caller never sees the wrapper: the ledger keeps the request as it came, status
/// callbacks do not carry the field, and WaDispatch does not forward Meta's webhooks.
/// </remarks>
public static class CallbackData
{
    private const string Prefix = "wd1:";
    private const int IdLength = 32;
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The longest caller's value that is still wrapped.</summary>
    public const int MaxWrappedValue = SendMessageValidator.MaxCallbackData - (4 + IdLength + 1); // "wd1:", the id and ":";

    /// <summary><paramref name="request"/> as it leaves for Meta: its callback data wrapped around <paramref name="messageId"/>, when it fits.</summary>
    public static SendMessageRequest Wrap(string messageId, SendMessageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (messageId.Length != IdLength || request.BizOpaqueCallbackData is { Length: > MaxWrappedValue })
        {
            return request;
        }

        var wrapped = request.BizOpaqueCallbackData is { } value ? $"{Prefix}{messageId}:{value}" : Prefix + messageId;
        return request with { BizOpaqueCallbackData = wrapped };
    }

    /// <summary>WaDispatch's message id in callback data Meta echoed, or null when it holds none (another sender's, or too long to wrap).</summary>
    public static string? MessageIdOf(string? callbackData)
    {
        if (callbackData is null || !callbackData.StartsWith(Prefix, StringComparison.Ordinal) || callbackData.Length < Prefix.Length + IdLength)
        {
            return null;
        }

        var id = callbackData.AsSpan(Prefix.Length, IdLength);
        var rest = callbackData.AsSpan(Prefix.Length + IdLength);
        return (rest.IsEmpty || rest[0] == ':') && !id.ContainsAnyExcept(HexDigits) ? id.ToString() : null;
    }

    /// <summary>The caller's own value in callback data Meta echoed: the value without the wrapper, or the whole when unwrapped.</summary>
    public static string? CallerValueOf(string? callbackData) =>
        MessageIdOf(callbackData) is null ? callbackData
        : callbackData!.Length == Prefix.Length + IdLength ? null
        : callbackData[(Prefix.Length + IdLength + 1)..];
}
