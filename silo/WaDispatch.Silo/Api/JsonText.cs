using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace WaDispatch.Silo.Api;

/// <summary>
/// Finds text in a JSON document that no storage or upstream can take: an unpaired UTF-16 surrogate escape
/// (<c>"\ud800"</c>, valid JSON syntax but not text) or a NUL character (PostgreSQL's text and jsonb refuse it).
/// </summary>
/// <remarks>
/// Both can only be written as escapes or as bytes that are not UTF-8 (the parser refuses a raw control character, but
/// does not check a string's UTF-8). So a string or a property name is decoded only when its raw bytes hold a backslash
/// or are not valid UTF-8, and the path is gathered only for what was found, on the way back out; every request body
/// is checked, and most hold neither.
/// </remarks>
internal static class JsonText
{
    /// <summary>The path and the reason of the first unreadable string or property name under <paramref name="element"/>, or null; subtrees named in <paramref name="skip"/> (top-level properties) are not looked at.</summary>
    public static (string Path, string Reason)? FindUnreadable(JsonElement element, IReadOnlySet<string>? skip = null)
    {
        if (Find(element, skip) is not { } found)
        {
            return null;
        }

        var path = Format(found.Segments);
        return (found.InName ? (path.Length == 0 ? "a property name" : $"a property name in {path}") : path, found.Reason);
    }

    /// <summary>
    /// What was found: its path from <paramref name="element"/> as segments (property names and array indexes) from the
    /// innermost out, null when it is <paramref name="element"/> itself; for a property name, the path of its object.
    /// </summary>
    private static (List<object>? Segments, string Reason, bool InName)? Find(JsonElement element, IReadOnlySet<string>? skip)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return NeedsDecoding(JsonMarshal.GetRawUtf8Value(element)) ? Check(element) : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string? name = null;
                    if (NeedsDecoding(JsonMarshal.GetRawUtf8PropertyName(property)))
                    {
                        try
                        {
                            name = property.Name;
                        }
                        catch (InvalidOperationException)
                        {
                            return (null, "an unpaired surrogate, which is not text", true);
                        }

                        if (name.Contains('\0', StringComparison.Ordinal))
                        {
                            return ([name], "a NUL character", false);
                        }
                    }

                    if ((skip is null || !skip.Contains(name ?? property.Name)) && Find(property.Value, null) is { } found)
                    {
                        return (Outward(found.Segments, name ?? property.Name), found.Reason, found.InName);
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, null) is { } found)
                    {
                        return (Outward(found.Segments, index), found.Reason, found.InName);
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    private static List<object> Outward(List<object>? segments, object segment)
    {
        segments ??= [];
        segments.Add(segment);
        return segments;
    }

    /// <summary>Names joined by <c>.</c>, indexes as <c>[i]</c>, outermost first: <c>template.components[0].text</c>.</summary>
    private static string Format(List<object>? innermostFirst)
    {
        if (innermostFirst is null)
        {
            return string.Empty;
        }

        var path = new StringBuilder();
        for (var i = innermostFirst.Count - 1; i >= 0; i--)
        {
            _ = innermostFirst[i] is int index
                ? path.Append('[').Append(index).Append(']')
                : path.Append(i == innermostFirst.Count - 1 ? string.Empty : ".").Append((string)innermostFirst[i]);
        }

        return path.ToString();
    }

    // The reader checks a string's quotes, escapes and control characters, not its UTF-8: bytes that are not text are
    // found only when decoded, so they take the decoding path too (both checks are vectorised and allocate nothing).
    private static bool NeedsDecoding(ReadOnlySpan<byte> raw) => raw.Contains((byte)'\\') || !System.Text.Unicode.Utf8.IsValid(raw);

    private static (List<object>? Segments, string Reason, bool InName)? Check(JsonElement value)
    {
        try
        {
            return value.GetString()!.Contains('\0', StringComparison.Ordinal) ? (null, "a NUL character", false) : null;
        }
        catch (InvalidOperationException)
        {
            return (null, "an unpaired surrogate (a \\ud800-\\udfff escape without its pair), which is not text", false);
        }
    }
}
