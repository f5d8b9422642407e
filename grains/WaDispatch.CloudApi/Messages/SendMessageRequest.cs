namespace WaDispatch.CloudApi.Messages;

/// <summary>
/// The body of <c>POST /{version}/{phone_number_id}/messages</c>. Exactly one content property
/// matches <see cref="Type"/>. Properties are declared in Meta's order so that serialized requests
/// match Meta's examples byte for byte.
/// </summary>
public sealed record SendMessageRequest
{
    /// <summary>Always <c>whatsapp</c>.</summary>
    public string? MessagingProduct { get; init; } = "whatsapp";

    /// <summary><c>individual</c> (the default when omitted).</summary>
    public string? RecipientType { get; init; }

    /// <summary>The user's phone number, ideally with <c>+</c> and country code.</summary>
    public string? To { get; init; }

    /// <summary>text, template, image, document, audio, video, sticker, location, contacts, interactive or reaction.</summary>
    public string? Type { get; init; }

    /// <summary>Content of a <c>text</c> message.</summary>
    public TextContent? Text { get; init; }

    /// <summary>Content of a <c>template</c> message.</summary>
    public TemplateContent? Template { get; init; }

    /// <summary>Content of an <c>image</c> message.</summary>
    public MediaContent? Image { get; init; }

    /// <summary>Content of a <c>document</c> message.</summary>
    public MediaContent? Document { get; init; }

    /// <summary>Content of an <c>audio</c> message.</summary>
    public MediaContent? Audio { get; init; }

    /// <summary>Content of a <c>video</c> message.</summary>
    public MediaContent? Video { get; init; }

    /// <summary>Content of a <c>sticker</c> message.</summary>
    public MediaContent? Sticker { get; init; }

    /// <summary>Content of a <c>location</c> message.</summary>
    public LocationContent? Location { get; init; }

    /// <summary>Content of a <c>contacts</c> message.</summary>
    public IReadOnlyList<ContactCard>? Contacts { get; init; }

    /// <summary>Content of an <c>interactive</c> message.</summary>
    public InteractiveContent? Interactive { get; init; }

    /// <summary>Content of a <c>reaction</c> message.</summary>
    public ReactionContent? Reaction { get; init; }

    /// <summary>Up to 512 characters, echoed in status webhooks.</summary>
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>Makes the message a reply to another message.</summary>
    public MessageContext? Context { get; init; }
}
