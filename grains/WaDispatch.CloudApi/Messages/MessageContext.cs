namespace WaDispatch.CloudApi.Messages;

/// <summary>The message a send replies to.</summary>
public sealed record MessageContext
{
    /// <summary>The <c>wamid</c> replied to.</summary>
    public string? MessageId { get; init; }
}
