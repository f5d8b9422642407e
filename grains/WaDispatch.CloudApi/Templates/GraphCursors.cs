namespace WaDispatch.CloudApi.Templates;

/// <summary>The cursors of a Graph API page: pass <see cref="After"/> as <c>after</c> for the next page.</summary>
public sealed record GraphCursors
{
    /// <summary>Before the first item of this page.</summary>
    public string? Before { get; init; }

    /// <summary>After the last item of this page.</summary>
    public string? After { get; init; }
}
