namespace WaDispatch.Grains.Recipients;

/// <summary>A send a recipient is asked to admit.</summary>
/// <param name="Category">Its category; <see cref="MessageCategory.Service"/> for a free-form message.</param>
/// <param name="Origin">A direct send or a campaign send.</param>
/// <param name="ExpiresAt">After this instant it is not sent.</param>
[GenerateSerializer]
[Alias("wadispatch.RecipientSend")]
public sealed record RecipientSend(MessageCategory Category, SendOrigin Origin, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether the send is a template (business-initiated) rather than a free-form reply.</summary>
    public bool IsTemplate => Category != MessageCategory.Service;
}
