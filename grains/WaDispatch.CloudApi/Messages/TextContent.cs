namespace WaDispatch.CloudApi.Messages;

/// <summary>A text message's content.</summary>
public sealed record TextContent
{
    /// <summary>Whether to render a preview of the first URL in the body.</summary>
    public bool? PreviewUrl { get; init; }

    /// <summary>The text, at most 4,096 characters.</summary>
    public string? Body { get; init; }
}
