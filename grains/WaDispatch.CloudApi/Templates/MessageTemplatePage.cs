namespace WaDispatch.CloudApi.Templates;

/// <summary>One page of a Graph API list: <c>{"data":[…],"paging":{"cursors":{"before":…,"after":…},"next":…}}</c>.</summary>
public sealed record MessageTemplatePage
{
    /// <summary>The templates on this page.</summary>
    public IReadOnlyList<MessageTemplate>? Data { get; init; }

    /// <summary>Where the neighbouring pages are; no <c>next</c> on the last page.</summary>
    public GraphPaging? Paging { get; init; }
}
