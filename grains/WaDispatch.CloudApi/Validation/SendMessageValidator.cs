using System.Globalization;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.CloudApi.Validation;

/// <summary>
/// Checks a send before it leaves the process, the way Meta would: code 100 "Invalid parameter" with
/// the field and the limit in the details, 131008 for a missing required parameter, 131009 for an
/// invalid value, 131051 for an unsupported type. Returns the first problem found, or null.
/// </summary>
public static class SendMessageValidator
{
    /// <summary>Longest text body.</summary>
    public const int MaxTextBody = 4096;

    /// <summary>Longest header text parameter.</summary>
    public const int MaxHeaderParameter = 60;

    /// <summary>Longest body text parameter.</summary>
    public const int MaxBodyParameter = 1024;

    /// <summary>Longest total of body text parameters when the body is the template's only component.</summary>
    public const int MaxBodyOnlyParameters = 32768;

    /// <summary>Longest <c>biz_opaque_callback_data</c>.</summary>
    public const int MaxCallbackData = 512;

    /// <summary>Longest template name Meta takes.</summary>
    public const int MaxTemplateName = 512;

    /// <summary>Longest template language code taken (Meta's are 2 to 6 characters, e.g. <c>en</c>, <c>en_US</c>, <c>zh_HK</c>).</summary>
    public const int MaxLanguageCode = 15;

    /// <summary>Most reply buttons.</summary>
    public const int MaxReplyButtons = 3;

    /// <summary>Longest reply button title.</summary>
    public const int MaxReplyButtonTitle = 20;

    /// <summary>Longest reply button id.</summary>
    public const int MaxReplyButtonId = 256;

    /// <summary>Most list sections.</summary>
    public const int MaxListSections = 10;

    /// <summary>Most list rows over all sections.</summary>
    public const int MaxListRows = 10;

    /// <summary>Longest list row title, and section title.</summary>
    public const int MaxListTitle = 24;

    /// <summary>Longest list row description.</summary>
    public const int MaxListRowDescription = 72;

    /// <summary>Longest list row id.</summary>
    public const int MaxListRowId = 200;

    /// <summary>Longest list button text.</summary>
    public const int MaxListButton = 20;

    /// <summary>Longest interactive body text, and media caption.</summary>
    public const int MaxInteractiveBody = 1024;

    /// <summary>Longest interactive header or footer text.</summary>
    public const int MaxInteractiveHeaderOrFooter = 60;

    private static readonly HashSet<string> MediaTypes = [MessageTypes.Image, MessageTypes.Document, MessageTypes.Audio, MessageTypes.Video, MessageTypes.Sticker];
    private static readonly HashSet<string> ComponentTypes = ["header", "body", "button", "footer", "carousel", "limited_time_offer"];
    private static readonly HashSet<string> ParameterTypes = ["text", "currency", "date_time", "image", "document", "video", "location", "payload", "coupon_code", "action", "limited_time_offer", "product"];
    private static readonly HashSet<string> ButtonSubTypes = ["quick_reply", "url", "phone_number", "copy_code", "flow", "catalog", "mpm", "voice_call", "otp"];

    /// <summary>Validates <paramref name="request"/>; null when it may be sent.</summary>
    public static CloudApiError? Validate(SendMessageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Envelope(request) ?? Content(request) ?? Context(request);
    }

    private static CloudApiError? Envelope(SendMessageRequest r)
    {
        if (string.IsNullOrEmpty(r.MessagingProduct))
        {
            return Missing("messaging_product");
        }

        if (r.MessagingProduct != "whatsapp")
        {
            return Invalid($"messaging_product is '{r.MessagingProduct}'; it must be 'whatsapp'.");
        }

        if (r.RecipientType is not (null or "individual"))
        {
            return Invalid($"recipient_type is '{r.RecipientType}'; it must be 'individual'.");
        }

        if (string.IsNullOrWhiteSpace(r.To))
        {
            return Missing("to");
        }

        if (!PhoneNumbers.IsPlausibleE164(r.To))
        {
            return Limit("to is not a valid phone number: it must be an E.164 number, an optional + and 8 to 15 digits starting with the country code.");
        }

        if (string.IsNullOrEmpty(r.Type))
        {
            return Missing("type");
        }

        if (!MessageTypes.All.Contains(r.Type))
        {
            return CloudApiError.Create(ErrorCodes.UnsupportedMessageType, "Unsupported message type", $"Message type '{r.Type}' is not supported; use one of {string.Join(", ", MessageTypes.All)}.");
        }

        return r.BizOpaqueCallbackData is { Length: > MaxCallbackData } data ? TooLong("biz_opaque_callback_data", data.Length, MaxCallbackData) : null;
    }

    private static CloudApiError? Content(SendMessageRequest r) => r.Type switch
    {
        MessageTypes.Text => r.Text is null ? MissingContent(r.Type) : Text(r.Text),
        MessageTypes.Template => r.Template is null ? MissingContent(r.Type) : Template(r.Template),
        MessageTypes.Location => r.Location is null ? MissingContent(r.Type) : Location(r.Location),
        MessageTypes.Contacts => Contacts(r.Contacts),
        MessageTypes.Interactive => r.Interactive is null ? MissingContent(r.Type) : Interactive(r.Interactive),
        MessageTypes.Reaction => r.Reaction is null ? MissingContent(r.Type) : Reaction(r.Reaction),
        _ => MediaOf(r) is { } media ? Media(r.Type!, media) : MissingContent(r.Type!),
    };

    private static MediaContent? MediaOf(SendMessageRequest r) => r.Type switch
    {
        MessageTypes.Image => r.Image,
        MessageTypes.Document => r.Document,
        MessageTypes.Audio => r.Audio,
        MessageTypes.Video => r.Video,
        _ => r.Sticker,
    };

    private static CloudApiError? Context(SendMessageRequest r) =>
        r.Context is { } context && string.IsNullOrEmpty(context.MessageId) ? Missing("context.message_id") : null;

    private static CloudApiError? Text(TextContent text)
    {
        if (string.IsNullOrEmpty(text.Body))
        {
            return Missing("text.body");
        }

        return text.Body.Length > MaxTextBody ? TooLong("text.body", text.Body.Length, MaxTextBody) : null;
    }

    private static CloudApiError? Media(string path, MediaContent media)
    {
        var hasId = !string.IsNullOrEmpty(media.Id);
        var hasLink = !string.IsNullOrEmpty(media.Link);
        if (!hasId && !hasLink)
        {
            return Missing($"{path}.id or {path}.link");
        }

        if (hasId && hasLink)
        {
            return Invalid($"{path} has both id and link; give one of them.");
        }

        if (hasLink && !(Uri.TryCreate(media.Link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            return Invalid($"{path}.link '{media.Link}' is not an absolute http(s) URL.");
        }

        return media.Caption is { Length: > MaxInteractiveBody } caption ? TooLong($"{path}.caption", caption.Length, MaxInteractiveBody) : null;
    }

    private static CloudApiError? Location(LocationContent location)
    {
        if (location.Latitude is not { } latitude)
        {
            return Missing("location.latitude");
        }

        if (location.Longitude is not { } longitude)
        {
            return Missing("location.longitude");
        }

        if (latitude is < -90 or > 90)
        {
            return Invalid(string.Create(CultureInfo.InvariantCulture, $"location.latitude is {latitude}; it must be between -90 and 90."));
        }

        return longitude is < -180 or > 180
            ? Invalid(string.Create(CultureInfo.InvariantCulture, $"location.longitude is {longitude}; it must be between -180 and 180."))
            : null;
    }

    private static CloudApiError? Contacts(IReadOnlyList<ContactCard>? contacts)
    {
        if (contacts is null or { Count: 0 })
        {
            return Missing("contacts");
        }

        for (var i = 0; i < contacts.Count; i++)
        {
            if (contacts[i] is null)
            {
                return Missing($"contacts[{i}]");
            }

            if (string.IsNullOrEmpty(contacts[i].Name?.FormattedName))
            {
                return Missing($"contacts[{i}].name.formatted_name");
            }
        }

        return null;
    }

    private static CloudApiError? Reaction(ReactionContent reaction)
    {
        if (string.IsNullOrEmpty(reaction.MessageId))
        {
            return Missing("reaction.message_id");
        }

        // An empty emoji is allowed: it removes a reaction.
        return reaction.Emoji is null ? Missing("reaction.emoji") : null;
    }

    private static CloudApiError? Interactive(InteractiveContent interactive)
    {
        if (string.IsNullOrEmpty(interactive.Type))
        {
            return Missing("interactive.type");
        }

        if (interactive.Type is not ("button" or "list"))
        {
            return null;
        }

        if (string.IsNullOrEmpty(interactive.Body?.Text))
        {
            return Missing("interactive.body.text");
        }

        if (interactive.Body.Text.Length > MaxInteractiveBody)
        {
            return TooLong("interactive.body.text", interactive.Body.Text.Length, MaxInteractiveBody);
        }

        if (interactive.Header?.Text is { Length: > MaxInteractiveHeaderOrFooter } header)
        {
            return TooLong("interactive.header.text", header.Length, MaxInteractiveHeaderOrFooter);
        }

        if (interactive.Footer?.Text is { Length: > MaxInteractiveHeaderOrFooter } footer)
        {
            return TooLong("interactive.footer.text", footer.Length, MaxInteractiveHeaderOrFooter);
        }

        if (interactive.Action is null)
        {
            return Missing("interactive.action");
        }

        return interactive.Type == "button" ? ReplyButtons(interactive.Action) : List(interactive.Action);
    }

    private static CloudApiError? ReplyButtons(InteractiveAction action)
    {
        var buttons = action.Buttons;
        if (buttons is null or { Count: 0 })
        {
            return Missing("interactive.action.buttons");
        }

        if (buttons.Count > MaxReplyButtons)
        {
            return TooMany("interactive.action.buttons", buttons.Count, MaxReplyButtons, "buttons");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < buttons.Count; i++)
        {
            var path = $"interactive.action.buttons[{i}]";
            if (buttons[i] is null)
            {
                return Missing(path);
            }

            if (buttons[i].Type != "reply")
            {
                return Invalid($"{path}.type is '{buttons[i].Type}'; it must be 'reply'.");
            }

            var reply = buttons[i].Reply;
            if (string.IsNullOrEmpty(reply?.Id))
            {
                return Missing($"{path}.reply.id");
            }

            if (reply.Id.Length > MaxReplyButtonId)
            {
                return TooLong($"{path}.reply.id", reply.Id.Length, MaxReplyButtonId);
            }

            if (string.IsNullOrEmpty(reply.Title))
            {
                return Missing($"{path}.reply.title");
            }

            if (reply.Title.Length > MaxReplyButtonTitle)
            {
                return TooLong($"{path}.reply.title", reply.Title.Length, MaxReplyButtonTitle);
            }

            if (!ids.Add(reply.Id))
            {
                return Invalid($"{path}.reply.id '{reply.Id}' is used by another button; button ids must be unique.");
            }
        }

        return null;
    }

    private static CloudApiError? List(InteractiveAction action)
    {
        if (string.IsNullOrEmpty(action.Button))
        {
            return Missing("interactive.action.button");
        }

        if (action.Button.Length > MaxListButton)
        {
            return TooLong("interactive.action.button", action.Button.Length, MaxListButton);
        }

        var sections = action.Sections;
        if (sections is null or { Count: 0 })
        {
            return Missing("interactive.action.sections");
        }

        if (sections.Count > MaxListSections)
        {
            return TooMany("interactive.action.sections", sections.Count, MaxListSections, "sections");
        }

        for (var s = 0; s < sections.Count; s++)
        {
            if (sections[s] is null)
            {
                return Missing($"interactive.action.sections[{s}]");
            }
        }

        var totalRows = sections.Sum(s => s.Rows?.Count ?? 0);
        if (totalRows > MaxListRows)
        {
            return TooMany("interactive.action.sections", totalRows, MaxListRows, "rows in all");
        }

        for (var s = 0; s < sections.Count; s++)
        {
            var path = $"interactive.action.sections[{s}]";
            var section = sections[s];
            if (sections.Count > 1 && string.IsNullOrEmpty(section.Title))
            {
                return Missing($"{path}.title");
            }

            if (section.Title is { Length: > MaxListTitle } title)
            {
                return TooLong($"{path}.title", title.Length, MaxListTitle);
            }

            if (section.Rows is null or { Count: 0 })
            {
                return Missing($"{path}.rows");
            }

            for (var i = 0; i < section.Rows.Count; i++)
            {
                if (section.Rows[i] is null)
                {
                    return Missing($"{path}.rows[{i}]");
                }

                if (Row($"{path}.rows[{i}]", section.Rows[i]) is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    private static CloudApiError? Row(string path, InteractiveRow row)
    {
        if (string.IsNullOrEmpty(row.Id))
        {
            return Missing($"{path}.id");
        }

        if (row.Id.Length > MaxListRowId)
        {
            return TooLong($"{path}.id", row.Id.Length, MaxListRowId);
        }

        if (string.IsNullOrEmpty(row.Title))
        {
            return Missing($"{path}.title");
        }

        if (row.Title.Length > MaxListTitle)
        {
            return TooLong($"{path}.title", row.Title.Length, MaxListTitle);
        }

        return row.Description is { Length: > MaxListRowDescription } description
            ? TooLong($"{path}.description", description.Length, MaxListRowDescription)
            : null;
    }

    private static CloudApiError? Template(TemplateContent template)
    {
        if (string.IsNullOrEmpty(template.Name))
        {
            return Missing("template.name");
        }

        if (template.Name.Length > MaxTemplateName)
        {
            return TooLong("template.name", template.Name.Length, MaxTemplateName);
        }

        if (string.IsNullOrEmpty(template.Language?.Code))
        {
            return Missing("template.language.code");
        }

        if (template.Language.Code.Length > MaxLanguageCode)
        {
            return TooLong("template.language.code", template.Language.Code.Length, MaxLanguageCode);
        }

        var components = template.Components ?? [];
        var bodyOnly = components.Count == 1 && components[0]?.Type == "body";
        for (var c = 0; c < components.Count; c++)
        {
            if (components[c] is null)
            {
                return Missing($"template.components[{c}]");
            }

            if (Component($"template.components[{c}]", components[c], bodyOnly) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static CloudApiError? Component(string path, TemplateComponent component, bool bodyOnly)
    {
        if (string.IsNullOrEmpty(component.Type))
        {
            return Missing($"{path}.type");
        }

        if (!ComponentTypes.Contains(component.Type))
        {
            return Invalid($"{path}.type is '{component.Type}'; it must be one of {string.Join(", ", ComponentTypes)}.");
        }

        if (component.Type == "button" && ButtonComponent(path, component) is { } buttonError)
        {
            return buttonError;
        }

        var parameters = component.Parameters ?? [];
        var bodyTotal = 0;
        for (var p = 0; p < parameters.Count; p++)
        {
            var parameterPath = $"{path}.parameters[{p}]";
            if (parameters[p] is null)
            {
                return Missing(parameterPath);
            }

            if (Parameter(parameterPath, parameters[p]) is { } error)
            {
                return error;
            }

            if (parameters[p].Type != "text" || parameters[p].Text is not { } text)
            {
                continue;
            }

            switch (component.Type)
            {
                case "header" when text.Length > MaxHeaderParameter:
                    return Limit($"{parameterPath}.text is {text.Length} characters long; the maximum for a header parameter is {MaxHeaderParameter}.");
                case "body" when !bodyOnly && text.Length > MaxBodyParameter:
                    return Limit($"{parameterPath}.text is {text.Length} characters long; the maximum for a body parameter is {MaxBodyParameter}.");
                case "body":
                    bodyTotal += text.Length;
                    break;
            }
        }

        return bodyOnly && bodyTotal > MaxBodyOnlyParameters
            ? Limit($"{path}.parameters total {bodyTotal} characters; the maximum when the body is the template's only component is {MaxBodyOnlyParameters}.")
            : null;
    }

    private static CloudApiError? ButtonComponent(string path, TemplateComponent component)
    {
        if (string.IsNullOrEmpty(component.SubType))
        {
            return Missing($"{path}.sub_type");
        }

        if (!ButtonSubTypes.Contains(component.SubType))
        {
            return Invalid($"{path}.sub_type is '{component.SubType}'; it must be one of {string.Join(", ", ButtonSubTypes)}.");
        }

        if (string.IsNullOrEmpty(component.Index))
        {
            return Missing($"{path}.index");
        }

        return int.TryParse(component.Index, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= 9
            ? null
            : Limit($"{path}.index is '{component.Index}'; it must be a button position from 0 to 9.");
    }

    private static CloudApiError? Parameter(string path, TemplateParameter parameter)
    {
        if (string.IsNullOrEmpty(parameter.Type))
        {
            return Missing($"{path}.type");
        }

        if (!ParameterTypes.Contains(parameter.Type))
        {
            return Invalid($"{path}.type is '{parameter.Type}'; it must be one of {string.Join(", ", ParameterTypes)}.");
        }

        return parameter.Type switch
        {
            "text" when parameter.Text is null => Missing($"{path}.text"),
            "payload" when parameter.Payload is null => Missing($"{path}.payload"),
            "currency" when string.IsNullOrEmpty(parameter.Currency?.FallbackValue) => Missing($"{path}.currency.fallback_value"),
            "currency" when string.IsNullOrEmpty(parameter.Currency!.Code) => Missing($"{path}.currency.code"),
            "currency" when parameter.Currency!.Amount1000 is null => Missing($"{path}.currency.amount_1000"),
            "currency" when parameter.Currency!.Code!.Length != 3 || !parameter.Currency.Code.All(char.IsAsciiLetterUpper) =>
                Invalid($"{path}.currency.code is '{parameter.Currency.Code}'; it must be an ISO 4217 code such as USD."),
            "date_time" when string.IsNullOrEmpty(parameter.DateTime?.FallbackValue) => Missing($"{path}.date_time.fallback_value"),
            "image" => parameter.Image is null ? Missing($"{path}.image") : Media($"{path}.image", parameter.Image),
            "document" => parameter.Document is null ? Missing($"{path}.document") : Media($"{path}.document", parameter.Document),
            "video" => parameter.Video is null ? Missing($"{path}.video") : Media($"{path}.video", parameter.Video),
            _ => null,
        };
    }

    private static CloudApiError MissingContent(string type) => Missing($"{type} (required for messages of type {type})");

    private static CloudApiError Missing(string path) =>
        CloudApiError.Create(ErrorCodes.RequiredParameterMissing, "Required parameter is missing", $"The parameter {path} is required.");

    private static CloudApiError Invalid(string details) =>
        CloudApiError.Create(ErrorCodes.ParameterValueInvalid, "Parameter value is not valid", details);

    private static CloudApiError Limit(string details) =>
        CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", details);

    private static CloudApiError TooLong(string path, int length, int max) =>
        Limit($"{path} is {length} characters long; the maximum is {max}.");

    private static CloudApiError TooMany(string path, int count, int max, string what) =>
        Limit($"{path} has {count} {what}; the maximum is {max}.");
}
