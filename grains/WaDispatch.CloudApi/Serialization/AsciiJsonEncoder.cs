using System.Text;
using System.Text.Encodings.Web;

namespace WaDispatch.CloudApi.Serialization;

/// <summary>
/// Escapes every character outside printable ASCII as <c>\uxxxx</c> (lowercase hex, a surrogate pair as two), and
/// what JSON requires, as Meta writes the webhook bodies it signs. Receivers built on that convention (e.g.
/// whatsapp-api-js) re-escape non-ASCII text before checking <c>X-Hub-Signature-256</c>, so a body carrying raw UTF-8
/// fails their check.
/// </summary>
public sealed class AsciiJsonEncoder : JavaScriptEncoder
{
    /// <summary>The one instance.</summary>
    public static AsciiJsonEncoder Instance { get; } = new();

    private AsciiJsonEncoder()
    {
    }

    /// <inheritdoc />
    public override int MaxOutputCharactersPerInputCharacter => 12;

    /// <inheritdoc />
    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\' or >= 0x7F;

    /// <inheritdoc />
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < textLength; i++)
        {
            if (text[i] is < (char)0x20 or '"' or '\\' or >= (char)0x7F)
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var output = new Span<char>(buffer, bufferLength);
        numberOfCharactersWritten = 0;
        ReadOnlySpan<char> named = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => default,
        };
        if (!named.IsEmpty)
        {
            return TryWrite(named, output, ref numberOfCharactersWritten);
        }

        if (!WillEncode(unicodeScalar))
        {
            return TryWrite([(char)unicodeScalar], output, ref numberOfCharactersWritten);
        }

        Span<char> units = stackalloc char[2];
        var count = Rune.IsValid(unicodeScalar) ? new Rune(unicodeScalar).EncodeToUtf16(units) : 0;
        if (count == 0)
        {
            units[0] = '\uFFFD';
            count = 1;
        }

        Span<char> escaped = stackalloc char[6];
        foreach (var unit in units[..count])
        {
            "\\u".CopyTo(escaped);
            ((ushort)unit).TryFormat(escaped[2..], out _, "x4", System.Globalization.CultureInfo.InvariantCulture);
            if (!TryWrite(escaped, output, ref numberOfCharactersWritten))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryWrite(ReadOnlySpan<char> value, Span<char> output, ref int written)
    {
        if (value.Length > output.Length - written)
        {
            written = 0;
            return false;
        }

        value.CopyTo(output[written..]);
        written += value.Length;
        return true;
    }
}
