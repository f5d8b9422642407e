using System.Text.Encodings.Web;

namespace WaDispatch.CloudApi.Serialization;

/// <summary>
/// Escapes only what JSON requires — quotation mark, backslash and control characters — and writes
/// everything else, emoji included, as is, like Meta's own payloads. (A lone surrogate never reaches it:
/// the writer replaces invalid UTF-16 with U+FFFD first.)
/// </summary>
internal sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    public static MinimalJsonEncoder Instance { get; } = new();

    public override int MaxOutputCharactersPerInputCharacter => 12;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' || (unicodeScalar is >= 0xD800 and <= 0xDFFF);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < textLength; i++)
        {
            var c = text[i];
            if (c is < (char)0x20 or '"' or '\\')
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var output = new Span<char>(buffer, bufferLength);
        ReadOnlySpan<char> escaped = unicodeScalar switch
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
        if (!escaped.IsEmpty)
        {
            return Write(escaped, output, out numberOfCharactersWritten);
        }

        if (!WillEncode(unicodeScalar))
        {
            Span<char> utf16 = stackalloc char[2];
            var length = new System.Text.Rune(unicodeScalar).EncodeToUtf16(utf16);
            return Write(utf16[..length], output, out numberOfCharactersWritten);
        }

        Span<char> hex = stackalloc char[6];
        "\\u".CopyTo(hex);
        ((ushort)unicodeScalar).TryFormat(hex[2..], out _, "X4", System.Globalization.CultureInfo.InvariantCulture);
        return Write(hex, output, out numberOfCharactersWritten);
    }

    private static bool Write(ReadOnlySpan<char> value, Span<char> output, out int written)
    {
        if (value.Length > output.Length)
        {
            written = 0;
            return false;
        }

        value.CopyTo(output);
        written = value.Length;
        return true;
    }
}
