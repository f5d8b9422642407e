namespace WaDispatch.Grains.Recipients;

/// <summary>A message the user sent the business, as the <c>messages</c> webhook reported it.</summary>
/// <param name="MessageId">Meta's id of the message.</param>
/// <param name="SentAt">The message's own timestamp: the window runs from it, whenever the webhook arrives.</param>
/// <param name="Text">The text of a text message; null for other types.</param>
[GenerateSerializer]
[Alias("wadispatch.UserMessage")]
public sealed record UserMessage(string MessageId, DateTimeOffset SentAt, string? Text);
