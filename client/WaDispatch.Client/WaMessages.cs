using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Client;

/// <summary>Cloud API messages of each type, ready to send.</summary>
public static class WaMessages
{
    /// <summary>A template message (see <see cref="WaTemplate"/>).</summary>
    public static SendMessageRequest Template(string to, TemplateContent template) =>
        new() { To = to, Type = MessageTypes.Template, Template = template };

    /// <summary>A text message (inside the customer-service window).</summary>
    public static SendMessageRequest Text(string to, string body, bool previewUrl = false) =>
        new() { To = to, Type = MessageTypes.Text, Text = new TextContent { Body = body, PreviewUrl = previewUrl ? true : null } };

    /// <summary>An image by link, with an optional caption.</summary>
    public static SendMessageRequest Image(string to, Uri link, string? caption = null) =>
        new() { To = to, Type = MessageTypes.Image, Image = new MediaContent { Link = link.ToString(), Caption = caption } };

    /// <summary>A document by link.</summary>
    public static SendMessageRequest Document(string to, Uri link, string? filename = null, string? caption = null) =>
        new() { To = to, Type = MessageTypes.Document, Document = new MediaContent { Link = link.ToString(), Filename = filename, Caption = caption } };

    /// <summary>A location.</summary>
    public static SendMessageRequest Location(string to, double latitude, double longitude, string? name = null, string? address = null) =>
        new() { To = to, Type = MessageTypes.Location, Location = new LocationContent { Latitude = latitude, Longitude = longitude, Name = name, Address = address } };

    /// <summary>A reaction to one of the user's messages.</summary>
    public static SendMessageRequest Reaction(string to, string messageId, string emoji) =>
        new() { To = to, Type = MessageTypes.Reaction, Reaction = new ReactionContent { MessageId = messageId, Emoji = emoji } };
}
