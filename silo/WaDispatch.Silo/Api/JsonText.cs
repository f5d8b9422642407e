using System.Runtime.InteropServices;
using System.Text.Json;

namespace WaDispatch.Silo.Api;

/// <summary>
/// Finds text in a JSON document that no storage or upstream can take: an unpaired UTF-16 surrogate escape
/// (<c>"\ud800"</c>, valid JSON syntax but not text) or a NUL character (PostgreSQL's text and jsonb refuse it).
/// </summary>
/// <remarks>
/// Both can only be written as escapes or as bytes that are not UTF-8 (the parser refuses a raw control character, but
/// does not check a string's UTF-8). So a string or a property name is decoded only when its raw bytes hold a backslash
/// or are not valid UTF-8, and a path is built only for what was found; every request body is checked, and most hold
/// neither.
/// </remarks>
internal static class JsonText
{
    /// <summary>The path and the reason of the first unreadable string or property name under <paramref name="element"/>, or null; subtrees named in <paramref name="skip"/> (top-level properties) are not looked at.</summary>
    public static (string Path, string Reason)? FindUnreadable(JsonElement element, IReadOnlySet<string>? skip = null) =>
        Find(element, skip) is { } found
            ? (found.InName ? (found.Path.Length == 0 ? "a property name" : $"a property name in {found.Path}") : found.Path, found.Reason)
            : null;

    /// <summary>What was found, with its path from <paramref name="element"/> (for a property name, the path of its object).</summary>
    private static (string Path, string Reason, bool InName)? Find(JsonElement element, IReadOnlySet<string>? skip)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Escaped(JsonMarshal.GetRawUtf8Value(element)) ? Check(element) : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var escaped = Escaped(JsonMarshal.GetRawUtf8PropertyName(property));
                    string? name = null;
                    if (escaped)
                    {
                        try
                        {
                            name = property.Name;
                        }
                        catch (InvalidOperationException)
                        {
                            return (string.Empty, "an unpaired surrogate, which is not text", true);
                        }

                        if (name.Contains('\0', StringComparison.Ordinal))
                        {
                            return (name, "a NUL character", false);
                        }
                    }

                    if ((skip is null || !skip.Contains(name ?? property.Name)) && Find(property.Value, null) is { } found)
                    {
                        name ??= property.Name;
                        return (found.Path.Length == 0 ? name : found.Path[0] == '[' ? name + found.Path : $"{name}.{found.Path}", found.Reason, found.InName);
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, null) is { } found)
                    {
                        return (found.Path.Length == 0 || found.Path[0] == '[' ? $"[{index}]{found.Path}" : $"[{index}].{found.Path}", found.Reason, found.InName);
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    // The reader checks a string's quotes, escapes and control characters, not its UTF-8: bytes that are not text are
    // found only when decoded, so they take the decoding path too (both checks are vectorised and allocate nothing).
    private static bool Escaped(ReadOnlySpan<byte> raw) => raw.Contains((byte)'\\') || !System.Text.Unicode.Utf8.IsValid(raw);

    private static (string Path, string Reason, bool InName)? Check(JsonElement value)
    {
        try
        {
            return value.GetString()!.Contains('\0', StringComparison.Ordinal) ? (string.Empty, "a NUL character", false) : null;
        }
        catch (InvalidOperationException)
        {
            return (string.Empty, "an unpaired surrogate (a \\ud800-\\udfff escape without its pair), which is not text", false);
        }
    }
}
