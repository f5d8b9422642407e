using System.Text.Json;

namespace WaDispatch.Silo.Api;

/// <summary>
/// Finds text in a JSON document that no storage or upstream can take: an unpaired UTF-16 surrogate escape
/// (<c>"\ud800"</c>, valid JSON syntax but not text) or a NUL character (PostgreSQL's text and jsonb refuse it).
/// </summary>
internal static class JsonText
{
    /// <summary>The path and the reason of the first unreadable string or property name under <paramref name="element"/>, or null; subtrees named in <paramref name="skip"/> (top-level properties) are not looked at.</summary>
    public static (string Path, string Reason)? FindUnreadable(JsonElement element, IReadOnlySet<string>? skip = null) => Find(element, string.Empty, skip);

    private static (string Path, string Reason)? Find(JsonElement element, string path, IReadOnlySet<string>? skip)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Check(element, path);
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return (path.Length == 0 ? "a property name" : $"a property name in {path}", "an unpaired surrogate, which is not text");
                    }

                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (name.Contains('\0', StringComparison.Ordinal))
                    {
                        return (child, "a NUL character");
                    }

                    if ((path.Length > 0 || skip is null || !skip.Contains(name)) && Find(property.Value, child, null) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{index++}]", null) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static (string Path, string Reason)? Check(JsonElement value, string path)
    {
        try
        {
            return value.GetString()!.Contains('\0', StringComparison.Ordinal) ? (path, "a NUL character") : null;
        }
        catch (InvalidOperationException)
        {
            return (path, "an unpaired surrogate (a \\ud800-\\udfff escape without its pair), which is not text");
        }
    }
}
