namespace WaDispatch.CloudApi.Messages;

/// <summary>The values of <see cref="SendMessageRequest.Type"/>.</summary>
public static class MessageTypes
{
    /// <summary>A free-form text message.</summary>
    public const string Text = "text";

    /// <summary>A pre-approved template: the only type allowed outside the customer-service window.</summary>
    public const string Template = "template";

    /// <summary>An image by media id or link.</summary>
    public const string Image = "image";

    /// <summary>A document by media id or link.</summary>
    public const string Document = "document";

    /// <summary>An audio clip by media id or link.</summary>
    public const string Audio = "audio";

    /// <summary>A video by media id or link.</summary>
    public const string Video = "video";

    /// <summary>A sticker by media id or link.</summary>
    public const string Sticker = "sticker";

    /// <summary>A location pin.</summary>
    public const string Location = "location";

    /// <summary>One or more contact cards.</summary>
    public const string Contacts = "contacts";

    /// <summary>Reply buttons or a list.</summary>
    public const string Interactive = "interactive";

    /// <summary>An emoji reaction to a message.</summary>
    public const string Reaction = "reaction";

    /// <summary>Every type the Cloud API accepts for sending.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Text, Template, Image, Document, Audio, Video, Sticker, Location, Contacts, Interactive, Reaction,
    };
}
