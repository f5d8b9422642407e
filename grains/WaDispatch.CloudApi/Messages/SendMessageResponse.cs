namespace WaDispatch.CloudApi.Messages;

/// <summary>Meta's answer to an accepted send: accepted, not delivered.</summary>
public sealed record SendMessageResponse
{
    /// <summary>Always <c>whatsapp</c>.</summary>
    public string? MessagingProduct { get; init; }

    /// <summary>The recipient as given and its WhatsApp id.</summary>
    public IReadOnlyList<ResponseContact>? Contacts { get; init; }

    /// <summary>The message ids (one).</summary>
    public IReadOnlyList<ResponseMessage>? Messages { get; init; }
}

/// <summary>A recipient in a send response.</summary>
public sealed record ResponseContact
{
    /// <summary>The <c>to</c> as sent.</summary>
    public string? Input { get; init; }

    /// <summary>The user's WhatsApp id, which may differ from the input.</summary>
    public string? WaId { get; init; }
}

/// <summary>A message in a send response.</summary>
public sealed record ResponseMessage
{
    /// <summary>The <c>wamid</c>.</summary>
    public string? Id { get; init; }

    /// <summary><c>accepted</c>, or <c>held_for_quality_assessment</c>.</summary>
    public string? MessageStatus { get; init; }
}
