using System.Globalization;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grpc.V1;
using SendMessageRequest = WaDispatch.CloudApi.Messages.SendMessageRequest;

namespace WaDispatch.Grpc;

/// <summary>A field of a protobuf request that cannot be taken, and why (naming the limit or what it must be).</summary>
/// <param name="Field">The field's path, e.g. <c>message.template.components[1].type</c>.</param>
/// <param name="Details">What is wrong, starting with the field's path.</param>
public sealed record FieldProblem(string Field, string Details);

/// <summary>
/// Between <c>wadispatch.v1.Message</c> and the Cloud API's <see cref="SendMessageRequest"/>: the server reads what
/// callers send (refusing what cannot be a Cloud API message, naming the field), the client writes what it is given.
/// Proto3 leaves unset strings empty; empty is "absent" here, as Meta's JSON omits it.
/// </summary>
public static class MessageMapping
{
    /// <summary>The Cloud API message <paramref name="message"/> stands for, or the first field that cannot be taken.</summary>
    /// <param name="message">What the caller sent.</param>
    /// <param name="path">The message's own path in the request, e.g. <c>message</c>.</param>
    public static (SendMessageRequest? Request, FieldProblem? Problem) ToCloudApi(Message? message, string path)
    {
        if (message is null)
        {
            return (null, new FieldProblem(path, $"{path} is required: the message to send (to, and one content such as template or text)."));
        }

        var request = new SendMessageRequest
        {
            To = Value(message.To),
            RecipientType = Value(message.RecipientType),
            BizOpaqueCallbackData = Value(message.BizOpaqueCallbackData),
            Context = Value(message.ReplyTo) is { } replyTo ? new MessageContext { MessageId = replyTo } : null,
        };
        switch (message.ContentCase)
        {
            case Message.ContentOneofCase.Text:
                return (request with { Type = MessageTypes.Text, Text = new TextContent { Body = Value(message.Text.Body), PreviewUrl = message.Text.PreviewUrl ? true : null } }, null);
            case Message.ContentOneofCase.Template:
                var (template, problem) = Template(message.Template, path + ".template");
                return problem is null ? (request with { Type = MessageTypes.Template, Template = template }, null) : (null, problem);
            case Message.ContentOneofCase.Image:
                return (request with { Type = MessageTypes.Image, Image = Media(message.Image) }, null);
            case Message.ContentOneofCase.Document:
                return (request with { Type = MessageTypes.Document, Document = Media(message.Document) }, null);
            case Message.ContentOneofCase.Audio:
                return (request with { Type = MessageTypes.Audio, Audio = Media(message.Audio) }, null);
            case Message.ContentOneofCase.Video:
                return (request with { Type = MessageTypes.Video, Video = Media(message.Video) }, null);
            case Message.ContentOneofCase.Sticker:
                return (request with { Type = MessageTypes.Sticker, Sticker = Media(message.Sticker) }, null);
            case Message.ContentOneofCase.Location:
                var location = message.Location;
                return (request with { Type = MessageTypes.Location, Location = new LocationContent { Latitude = location.Latitude, Longitude = location.Longitude, Name = Value(location.Name), Address = Value(location.Address) } }, null);
            case Message.ContentOneofCase.Contacts:
                return (request with { Type = MessageTypes.Contacts, Contacts = [.. message.Contacts.Contacts_.Select(Contact)] }, null);
            case Message.ContentOneofCase.Interactive:
                return (request with { Type = MessageTypes.Interactive, Interactive = Interactive(message.Interactive) }, null);
            case Message.ContentOneofCase.Reaction:
                return (request with { Type = MessageTypes.Reaction, Reaction = new ReactionContent { MessageId = Value(message.Reaction.MessageId), Emoji = Value(message.Reaction.Emoji) } }, null);
            default:
                return (null, new FieldProblem(path + ".content", $"{path}.content is required: set exactly one of text, template, image, document, audio, video, sticker, location, contacts, interactive or reaction."));
        }
    }

    /// <summary>The template of a campaign or a send, or the first field that cannot be taken.</summary>
    public static (TemplateContent? Template, FieldProblem? Problem) Template(Template? template, string path)
    {
        if (template is null)
        {
            return (null, new FieldProblem(path, $"{path} is required: name, language and components."));
        }

        var components = new List<TemplateComponent>(template.Components.Count);
        for (var i = 0; i < template.Components.Count; i++)
        {
            var component = template.Components[i];
            var at = $"{path}.components[{i}]";
            var type = component.Type switch
            {
                ComponentType.Header => "header",
                ComponentType.Body => "body",
                ComponentType.Button => "button",
                ComponentType.Unspecified => null,
                _ => string.Empty,
            };
            if (type is null or { Length: 0 })
            {
                return (null, new FieldProblem(at + ".type", $"{at}.type is {(type is null ? "not set" : $"{(int)component.Type}, which is not a ComponentType")}; it must be COMPONENT_TYPE_HEADER, COMPONENT_TYPE_BODY or COMPONENT_TYPE_BUTTON."));
            }

            var parameters = new List<TemplateParameter>(component.Parameters.Count);
            for (var j = 0; j < component.Parameters.Count; j++)
            {
                if (Parameter(component.Parameters[j]) is not { } parameter)
                {
                    var field = $"{at}.parameters[{j}].value";
                    return (null, new FieldProblem(field, $"{field} is required: set one of text, currency, date_time, image, document, video or payload."));
                }

                parameters.Add(parameter);
            }

            components.Add(new TemplateComponent
            {
                Type = type,
                SubType = Value(component.SubType),
                Index = type == "button" ? component.Index.ToString(CultureInfo.InvariantCulture) : null,
                Parameters = parameters.Count > 0 ? parameters : null,
            });
        }

        return (new TemplateContent
        {
            Name = Value(template.Name),
            Language = template.Language is { } language ? new TemplateLanguage { Code = Value(language.Code), Policy = Value(language.Policy) } : null,
            Components = components.Count > 0 ? components : null,
        }, null);
    }

    /// <summary>The protobuf message of <paramref name="request"/>, for the client.</summary>
    /// <exception cref="ArgumentException">Its type has no content in <c>wadispatch.v1.Message</c>.</exception>
    public static Message ToProto(SendMessageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = new Message
        {
            To = request.To ?? string.Empty,
            RecipientType = request.RecipientType ?? string.Empty,
            BizOpaqueCallbackData = request.BizOpaqueCallbackData ?? string.Empty,
            ReplyTo = request.Context?.MessageId ?? string.Empty,
        };
        switch (request.Type)
        {
            case MessageTypes.Text:
                message.Text = new Text { Body = request.Text?.Body ?? string.Empty, PreviewUrl = request.Text?.PreviewUrl == true };
                break;
            case MessageTypes.Template:
                message.Template = ToProto(request.Template ?? new TemplateContent());
                break;
            case MessageTypes.Image:
                message.Image = Media(request.Image);
                break;
            case MessageTypes.Document:
                message.Document = Media(request.Document);
                break;
            case MessageTypes.Audio:
                message.Audio = Media(request.Audio);
                break;
            case MessageTypes.Video:
                message.Video = Media(request.Video);
                break;
            case MessageTypes.Sticker:
                message.Sticker = Media(request.Sticker);
                break;
            case MessageTypes.Location:
                var location = request.Location ?? new LocationContent();
                message.Location = new Location { Latitude = location.Latitude ?? 0, Longitude = location.Longitude ?? 0, Name = location.Name ?? string.Empty, Address = location.Address ?? string.Empty };
                break;
            case MessageTypes.Contacts:
                message.Contacts = new Contacts();
                message.Contacts.Contacts_.AddRange((request.Contacts ?? []).Select(Contact));
                break;
            case MessageTypes.Interactive:
                message.Interactive = Interactive(request.Interactive ?? new InteractiveContent());
                break;
            case MessageTypes.Reaction:
                message.Reaction = new Reaction { MessageId = request.Reaction?.MessageId ?? string.Empty, Emoji = request.Reaction?.Emoji ?? string.Empty };
                break;
            default:
                throw new ArgumentException($"A message of type '{request.Type}' cannot be sent over gRPC: wadispatch.v1.Message has no content of that type.", nameof(request));
        }

        return message;
    }

    /// <summary>The protobuf template of <paramref name="template"/>, for the client.</summary>
    public static Template ToProto(TemplateContent template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var proto = new Template
        {
            Name = template.Name ?? string.Empty,
            Language = new Template.Types.Language { Code = template.Language?.Code ?? string.Empty, Policy = template.Language?.Policy ?? string.Empty },
        };
        foreach (var component in template.Components ?? [])
        {
            var type = component.Type switch
            {
                "header" => ComponentType.Header,
                "body" => ComponentType.Body,
                "button" => ComponentType.Button,
                _ => throw new ArgumentException($"A template component of type '{component.Type}' cannot be sent over gRPC; header, body and button can.", nameof(template)),
            };
            var item = new Component
            {
                Type = type,
                SubType = component.SubType ?? string.Empty,
                Index = int.TryParse(component.Index, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) ? index : 0,
            };
            item.Parameters.AddRange((component.Parameters ?? []).Select(ToProto));
            proto.Components.Add(item);
        }

        return proto;
    }

    private static Parameter ToProto(TemplateParameter parameter)
    {
        var proto = new Parameter { ParameterName = parameter.ParameterName ?? string.Empty };
        switch (parameter.Type)
        {
            case "currency":
                proto.Currency = new Currency { FallbackValue = parameter.Currency?.FallbackValue ?? string.Empty, Code = parameter.Currency?.Code ?? string.Empty, Amount1000 = parameter.Currency?.Amount1000 ?? 0 };
                break;
            case "date_time":
                proto.DateTime = new DateTimeParameter { FallbackValue = parameter.DateTime?.FallbackValue ?? string.Empty };
                break;
            case "image":
                proto.Image = Media(parameter.Image);
                break;
            case "document":
                proto.Document = Media(parameter.Document);
                break;
            case "video":
                proto.Video = Media(parameter.Video);
                break;
            case "payload":
                proto.Payload = parameter.Payload ?? string.Empty;
                break;
            default:
                proto.Text = parameter.Text ?? parameter.Payload ?? string.Empty;
                break;
        }

        return proto;
    }

    private static TemplateParameter? Parameter(Parameter parameter)
    {
        var name = Value(parameter.ParameterName);
        return parameter.ValueCase switch
        {
            V1.Parameter.ValueOneofCase.Text => new TemplateParameter { Type = "text", ParameterName = name, Text = parameter.Text },
            V1.Parameter.ValueOneofCase.Currency => new TemplateParameter { Type = "currency", ParameterName = name, Currency = new CurrencyValue { FallbackValue = Value(parameter.Currency.FallbackValue), Code = Value(parameter.Currency.Code), Amount1000 = parameter.Currency.Amount1000 } },
            V1.Parameter.ValueOneofCase.DateTime => new TemplateParameter { Type = "date_time", ParameterName = name, DateTime = new DateTimeValue { FallbackValue = Value(parameter.DateTime.FallbackValue) } },
            V1.Parameter.ValueOneofCase.Image => new TemplateParameter { Type = "image", ParameterName = name, Image = Media(parameter.Image) },
            V1.Parameter.ValueOneofCase.Document => new TemplateParameter { Type = "document", ParameterName = name, Document = Media(parameter.Document) },
            V1.Parameter.ValueOneofCase.Video => new TemplateParameter { Type = "video", ParameterName = name, Video = Media(parameter.Video) },
            V1.Parameter.ValueOneofCase.Payload => new TemplateParameter { Type = "payload", ParameterName = name, Payload = parameter.Payload },
            _ => null,
        };
    }

    private static MediaContent Media(Media media) =>
        new() { Id = Value(media.Id), Link = Value(media.Link), Caption = Value(media.Caption), Filename = Value(media.Filename) };

    private static Media Media(MediaContent? media) => new()
    {
        Id = media?.Id ?? string.Empty,
        Link = media?.Link ?? string.Empty,
        Caption = media?.Caption ?? string.Empty,
        Filename = media?.Filename ?? string.Empty,
    };

    private static ContactCard Contact(Contact contact) => new()
    {
        Name = contact.Name is { } name ? new ContactName { FormattedName = Value(name.FormattedName), FirstName = Value(name.FirstName), LastName = Value(name.LastName), MiddleName = Value(name.MiddleName), Prefix = Value(name.Prefix), Suffix = Value(name.Suffix) } : null,
        Phones = List(contact.Phones, p => new ContactPhone { Phone = Value(p.Phone_), Type = Value(p.Type), WaId = Value(p.WaId) }),
        Emails = List(contact.Emails, e => new ContactEmail { Email = Value(e.Email_), Type = Value(e.Type) }),
        Urls = List(contact.Urls, u => new ContactUrl { Url = Value(u.Url_), Type = Value(u.Type) }),
        Org = contact.Org is { } org ? new ContactOrg { Company = Value(org.Company), Department = Value(org.Department), Title = Value(org.Title) } : null,
        Addresses = List(contact.Addresses, a => new ContactAddress { Street = Value(a.Street), City = Value(a.City), State = Value(a.State), Zip = Value(a.Zip), Country = Value(a.Country), CountryCode = Value(a.CountryCode), Type = Value(a.Type) }),
        Birthday = Value(contact.Birthday),
    };

    private static Contact Contact(ContactCard card)
    {
        var contact = new Contact { Birthday = card.Birthday ?? string.Empty };
        if (card.Name is { } name)
        {
            contact.Name = new Contact.Types.Name { FormattedName = name.FormattedName ?? string.Empty, FirstName = name.FirstName ?? string.Empty, LastName = name.LastName ?? string.Empty, MiddleName = name.MiddleName ?? string.Empty, Prefix = name.Prefix ?? string.Empty, Suffix = name.Suffix ?? string.Empty };
        }

        if (card.Org is { } org)
        {
            contact.Org = new Contact.Types.Org { Company = org.Company ?? string.Empty, Department = org.Department ?? string.Empty, Title = org.Title ?? string.Empty };
        }

        contact.Phones.AddRange((card.Phones ?? []).Select(p => new Contact.Types.Phone { Phone_ = p.Phone ?? string.Empty, Type = p.Type ?? string.Empty, WaId = p.WaId ?? string.Empty }));
        contact.Emails.AddRange((card.Emails ?? []).Select(e => new Contact.Types.Email { Email_ = e.Email ?? string.Empty, Type = e.Type ?? string.Empty }));
        contact.Urls.AddRange((card.Urls ?? []).Select(u => new Contact.Types.Url { Url_ = u.Url ?? string.Empty, Type = u.Type ?? string.Empty }));
        contact.Addresses.AddRange((card.Addresses ?? []).Select(a => new Contact.Types.Address { Street = a.Street ?? string.Empty, City = a.City ?? string.Empty, State = a.State ?? string.Empty, Zip = a.Zip ?? string.Empty, Country = a.Country ?? string.Empty, CountryCode = a.CountryCode ?? string.Empty, Type = a.Type ?? string.Empty }));
        return contact;
    }

    private static InteractiveContent Interactive(Interactive interactive) => new()
    {
        Type = Value(interactive.Type),
        Header = interactive.Header is { } header ? new InteractiveHeader
        {
            Type = Value(header.Type),
            Text = Value(header.Text),
            Image = header.Image is { } image ? Media(image) : null,
            Video = header.Video is { } video ? Media(video) : null,
            Document = header.Document is { } document ? Media(document) : null,
        } : null,
        Body = Value(interactive.Body) is { } body ? new InteractiveText { Text = body } : null,
        Footer = Value(interactive.Footer) is { } footer ? new InteractiveText { Text = footer } : null,
        Action = interactive.Action is { } action ? new InteractiveAction
        {
            Button = Value(action.Button),
            Buttons = List(action.Buttons, b => new InteractiveButton { Type = "reply", Reply = new InteractiveReply { Id = Value(b.Id), Title = Value(b.Title) } }),
            Sections = List(action.Sections, s => new InteractiveSection { Title = Value(s.Title), Rows = List(s.Rows, r => new InteractiveRow { Id = Value(r.Id), Title = Value(r.Title), Description = Value(r.Description) }) }),
        } : null,
    };

    private static Interactive Interactive(InteractiveContent content)
    {
        var interactive = new Interactive { Type = content.Type ?? string.Empty, Body = content.Body?.Text ?? string.Empty, Footer = content.Footer?.Text ?? string.Empty };
        if (content.Header is { } header)
        {
            interactive.Header = new Interactive.Types.Header { Type = header.Type ?? string.Empty, Text = header.Text ?? string.Empty };
            if (header.Image is not null)
            {
                interactive.Header.Image = Media(header.Image);
            }

            if (header.Video is not null)
            {
                interactive.Header.Video = Media(header.Video);
            }

            if (header.Document is not null)
            {
                interactive.Header.Document = Media(header.Document);
            }
        }

        if (content.Action is { } action)
        {
            interactive.Action = new Interactive.Types.Action { Button = action.Button ?? string.Empty };
            interactive.Action.Buttons.AddRange((action.Buttons ?? []).Select(b => new Interactive.Types.Button { Id = b.Reply?.Id ?? string.Empty, Title = b.Reply?.Title ?? string.Empty }));
            foreach (var section in action.Sections ?? [])
            {
                var proto = new Interactive.Types.Section { Title = section.Title ?? string.Empty };
                proto.Rows.AddRange((section.Rows ?? []).Select(r => new Interactive.Types.Row { Id = r.Id ?? string.Empty, Title = r.Title ?? string.Empty, Description = r.Description ?? string.Empty }));
                interactive.Action.Sections.Add(proto);
            }
        }

        return interactive;
    }

    private static List<TTo>? List<TFrom, TTo>(IReadOnlyCollection<TFrom> items, Func<TFrom, TTo> map) =>
        items.Count == 0 ? null : [.. items.Select(map)];

    private static string? Value(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
