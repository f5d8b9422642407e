namespace WaDispatch.CloudApi.Templates;

/// <summary>Cursor paging of a Graph API list.</summary>
public sealed record GraphPaging
{
    /// <summary>The cursors of this page.</summary>
    public GraphCursors? Cursors { get; init; }

    /// <summary>The URL of the next page; absent on the last page.</summary>
    public string? Next { get; init; }

    /// <summary>The URL of the previous page; absent on the first.</summary>
    public string? Previous { get; init; }
}
