namespace WaDispatch.Grains.Recipients;

/// <summary>A business's opt-out keywords: a text that is exactly one of them (any case, trimmed) opts the user out or back in.</summary>
/// <param name="OptOut">Keywords that stop business-initiated templates.</param>
/// <param name="OptIn">Keywords that start them again.</param>
[GenerateSerializer]
[Alias("wadispatch.KeywordPolicy")]
public sealed record KeywordPolicy(IReadOnlyList<string> OptOut, IReadOnlyList<string> OptIn)
{
    /// <summary>STOP, UNSUBSCRIBE, CANCEL, END, QUIT to opt out; START to opt back in.</summary>
    public static KeywordPolicy Default { get; } = new(["STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"], ["START"]);

    /// <summary>True for an opt-out keyword, false for an opt-in keyword, null for any other text.</summary>
    public bool? Match(string? text)
    {
        var word = text?.Trim();
        if (string.IsNullOrEmpty(word))
        {
            return null;
        }

        return OptOut.Contains(word, StringComparer.OrdinalIgnoreCase) ? true
            : OptIn.Contains(word, StringComparer.OrdinalIgnoreCase) ? false
            : null;
    }
}
