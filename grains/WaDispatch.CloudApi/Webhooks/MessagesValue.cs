using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of a <c>messages</c> change.</summary>
public sealed record MessagesValue
{
    /// <summary>Always <c>whatsapp</c>.</summary>
    public string? MessagingProduct { get; init; }

    /// <summary>The business number concerned.</summary>
    public WebhookMetadata? Metadata { get; init; }

    /// <summary>Senders of inbound messages.</summary>
    public IReadOnlyList<WebhookContact>? Contacts { get; init; }

    /// <summary>Inbound messages: each opens or refreshes the customer-service window.</summary>
    public IReadOnlyList<InboundMessage>? Messages { get; init; }

    /// <summary>Statuses of sent messages.</summary>
    public IReadOnlyList<MessageStatus>? Statuses { get; init; }

    /// <summary>Errors not tied to one message.</summary>
    public IReadOnlyList<WebhookError>? Errors { get; init; }
}

/// <summary>The business phone number a change is about.</summary>
public sealed record WebhookMetadata
{
    /// <summary>The number as shown.</summary>
    public string? DisplayPhoneNumber { get; init; }

    /// <summary>The phone number id.</summary>
    public string? PhoneNumberId { get; init; }
}

/// <summary>A user in a webhook.</summary>
public sealed record WebhookContact
{
    /// <summary>The user's profile.</summary>
    public WebhookProfile? Profile { get; init; }

    /// <summary>The user's WhatsApp id.</summary>
    public string? WaId { get; init; }
}

/// <summary>A user's profile.</summary>
public sealed record WebhookProfile
{
    /// <summary>The user's name.</summary>
    public string? Name { get; init; }
}

/// <summary>A message a user sent to the business.</summary>
public sealed record InboundMessage
{
    /// <summary>The sender's WhatsApp id.</summary>
    public string? From { get; init; }

    /// <summary>The message's <c>wamid</c>.</summary>
    public string? Id { get; init; }

    /// <summary>Unix seconds when the user sent it.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Timestamp { get; init; }

    /// <summary>text, image, audio, video, document, sticker, location, contacts, button, interactive, reaction, unsupported, …</summary>
    public string? Type { get; init; }

    /// <summary>A text message.</summary>
    public TextContent? Text { get; init; }

    /// <summary>An image.</summary>
    public InboundMedia? Image { get; init; }

    /// <summary>An audio clip.</summary>
    public InboundMedia? Audio { get; init; }

    /// <summary>A video.</summary>
    public InboundMedia? Video { get; init; }

    /// <summary>A document.</summary>
    public InboundMedia? Document { get; init; }

    /// <summary>A sticker.</summary>
    public InboundMedia? Sticker { get; init; }

    /// <summary>A location.</summary>
    public LocationContent? Location { get; init; }

    /// <summary>Contact cards.</summary>
    public IReadOnlyList<ContactCard>? Contacts { get; init; }

    /// <summary>A tap on a template's quick-reply button.</summary>
    public InboundButton? Button { get; init; }

    /// <summary>A reply to an interactive message.</summary>
    public InboundInteractive? Interactive { get; init; }

    /// <summary>A reaction.</summary>
    public ReactionContent? Reaction { get; init; }

    /// <summary>The message replied to, when this is a reply.</summary>
    public InboundContext? Context { get; init; }

    /// <summary>Why an unsupported message could not be shown.</summary>
    public IReadOnlyList<WebhookError>? Errors { get; init; }
}

/// <summary>Media a user sent.</summary>
public sealed record InboundMedia
{
    /// <summary>The media id, to download it.</summary>
    public string? Id { get; init; }

    /// <summary>The MIME type.</summary>
    public string? MimeType { get; init; }

    /// <summary>The file's SHA-256.</summary>
    public string? Sha256 { get; init; }

    /// <summary>A caption.</summary>
    public string? Caption { get; init; }

    /// <summary>A document's file name.</summary>
    public string? Filename { get; init; }
}

/// <summary>A tap on a template's quick-reply button.</summary>
public sealed record InboundButton
{
    /// <summary>The payload set when sending.</summary>
    public string? Payload { get; init; }

    /// <summary>The button's text.</summary>
    public string? Text { get; init; }
}

/// <summary>A reply to an interactive message.</summary>
public sealed record InboundInteractive
{
    /// <summary><c>button_reply</c> or <c>list_reply</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The reply button chosen.</summary>
    public InteractiveRow? ButtonReply { get; init; }

    /// <summary>The list row chosen.</summary>
    public InteractiveRow? ListReply { get; init; }
}

/// <summary>The message an inbound message replies to.</summary>
public sealed record InboundContext
{
    /// <summary>The business number it was sent from.</summary>
    public string? From { get; init; }

    /// <summary>Its <c>wamid</c>.</summary>
    public string? Id { get; init; }
}
