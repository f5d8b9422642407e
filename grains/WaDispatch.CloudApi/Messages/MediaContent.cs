namespace WaDispatch.CloudApi.Messages;

/// <summary>Media by uploaded id or by link (one of the two).</summary>
public sealed record MediaContent
{
    /// <summary>An uploaded media id.</summary>
    public string? Id { get; init; }

    /// <summary>An HTTPS link to the media.</summary>
    public string? Link { get; init; }

    /// <summary>A caption (image, video, document).</summary>
    public string? Caption { get; init; }

    /// <summary>The file name shown for a document.</summary>
    public string? Filename { get; init; }
}
