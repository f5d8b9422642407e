namespace WaDispatch.CloudApi.Messages;

/// <summary>An emoji reaction to a message; an empty emoji removes it.</summary>
public sealed record ReactionContent
{
    /// <summary>The <c>wamid</c> reacted to.</summary>
    public string? MessageId { get; init; }

    /// <summary>The emoji.</summary>
    public string? Emoji { get; init; }
}
