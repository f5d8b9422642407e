using System.Text.Json;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Validation;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

public sealed class ValidationTests
{
    private static readonly SendMessageRequest Text = new() { To = "+16505551234", Type = "text", Text = new TextContent { Body = "hi" } };

    private static readonly SendMessageRequest Template = Parse(MetaExamples.TemplateSend);

    private static readonly SendMessageRequest Buttons = Parse(MetaExamples.Sends[10]);

    private static readonly SendMessageRequest List = Parse(MetaExamples.Sends[11]);

    /// <summary>Each case: a name, the request, the code and the exact details expected.</summary>
    public static TheoryData<string, SendMessageRequest, int, string> Cases => new()
    {
        // Envelope
        { "missing messaging_product", Text with { MessagingProduct = null }, 131008, "The parameter messaging_product is required." },
        { "wrong messaging_product", Text with { MessagingProduct = "sms" }, 131009, "messaging_product is 'sms'; it must be 'whatsapp'." },
        { "wrong recipient_type", Text with { RecipientType = "group" }, 131009, "recipient_type is 'group'; it must be 'individual'." },
        { "missing to", Text with { To = null }, 131008, "The parameter to is required." },
        { "to too short", Text with { To = "+1234567" }, 100, "to is not a valid phone number: it must be an E.164 number, an optional + and 8 to 15 digits starting with the country code." },
        { "to too long", Text with { To = "+1234567890123456" }, 100, "to is not a valid phone number: it must be an E.164 number, an optional + and 8 to 15 digits starting with the country code." },
        { "to with letters", Text with { To = "+1650555CALL" }, 100, "to is not a valid phone number: it must be an E.164 number, an optional + and 8 to 15 digits starting with the country code." },
        { "missing type", Text with { Type = null }, 131008, "The parameter type is required." },
        { "unsupported type", Text with { Type = "poll" }, 131051, "Message type 'poll' is not supported; use one of text, template, image, document, audio, video, sticker, location, contacts, interactive, reaction." },
        { "callback data 513", Text with { BizOpaqueCallbackData = new string('x', 513) }, 100, "biz_opaque_callback_data is 513 characters long; the maximum is 512." },
        { "context without id", Text with { Context = new MessageContext() }, 131008, "The parameter context.message_id is required." },

        // Text
        { "text missing", Text with { Text = null }, 131008, "The parameter text (required for messages of type text) is required." },
        { "text body missing", Text with { Text = new TextContent() }, 131008, "The parameter text.body is required." },
        { "text body 4097", Text with { Text = new TextContent { Body = new string('a', 4097) } }, 100, "text.body is 4097 characters long; the maximum is 4096." },

        // Media, location, contacts, reaction
        { "image without id or link", Text with { Type = "image", Image = new MediaContent() }, 131008, "The parameter image.id or image.link is required." },
        { "image with id and link", Text with { Type = "image", Image = new MediaContent { Id = "1", Link = "https://x.example/a.jpg" } }, 131009, "image has both id and link; give one of them." },
        { "document link not a URL", Text with { Type = "document", Document = new MediaContent { Link = "files/a.pdf" } }, 131009, "document.link 'files/a.pdf' is not an absolute http(s) URL." },
        { "video caption 1025", Text with { Type = "video", Video = new MediaContent { Id = "1", Caption = new string('c', 1025) } }, 100, "video.caption is 1025 characters long; the maximum is 1024." },
        { "location latitude missing", Text with { Type = "location", Location = new LocationContent { Longitude = 1 } }, 131008, "The parameter location.latitude is required." },
        { "location latitude 91", Text with { Type = "location", Location = new LocationContent { Latitude = 91, Longitude = 1 } }, 131009, "location.latitude is 91; it must be between -90 and 90." },
        { "location longitude -181", Text with { Type = "location", Location = new LocationContent { Latitude = 1, Longitude = -181 } }, 131009, "location.longitude is -181; it must be between -180 and 180." },
        { "contacts empty", Text with { Type = "contacts", Contacts = [] }, 131008, "The parameter contacts is required." },
        { "contact without formatted name", Text with { Type = "contacts", Contacts = [new ContactCard { Name = new ContactName { FirstName = "A" } }] }, 131008, "The parameter contacts[0].name.formatted_name is required." },
        { "reaction without message id", Text with { Type = "reaction", Reaction = new ReactionContent { Emoji = "👍" } }, 131008, "The parameter reaction.message_id is required." },

        // Template
        { "template name missing", Template with { Template = Template.Template! with { Name = null } }, 131008, "The parameter template.name is required." },
        { "template language missing", Template with { Template = Template.Template! with { Language = null } }, 131008, "The parameter template.language.code is required." },
        { "header parameter 61", WithComponents(Header(new string('h', 61)), Body("ok")), 100, "template.components[0].parameters[0].text is 61 characters long; the maximum for a header parameter is 60." },
        { "body parameter 1025 beside a header", WithComponents(Header("ok"), Body(new string('b', 1025))), 100, "template.components[1].parameters[0].text is 1025 characters long; the maximum for a body parameter is 1024." },
        { "body-only parameters over 32768", WithComponents(Body(new string('b', 20000), new string('b', 12769))), 100, "template.components[0].parameters total 32769 characters; the maximum when the body is the template's only component is 32768." },
        { "button index 10", WithComponents(Button("quick_reply", "10")), 100, "template.components[0].index is '10'; it must be a button position from 0 to 9." },
        { "button index negative", WithComponents(Button("quick_reply", "-1")), 100, "template.components[0].index is '-1'; it must be a button position from 0 to 9." },
        { "button index missing", WithComponents(Button("quick_reply", null)), 131008, "The parameter template.components[0].index is required." },
        { "button sub_type missing", WithComponents(Button(null, "0")), 131008, "The parameter template.components[0].sub_type is required." },
        { "button sub_type unknown", WithComponents(Button("swipe", "0")), 131009, "template.components[0].sub_type is 'swipe'; it must be one of quick_reply, url, phone_number, copy_code, flow, catalog, mpm, voice_call, otp." },
        { "component type unknown", WithComponents(new TemplateComponent { Type = "sidebar" }), 131009, "template.components[0].type is 'sidebar'; it must be one of header, body, button, footer, carousel, limited_time_offer." },
        { "null component", WithComponents(new TemplateComponent[] { null! }), 131008, "The parameter template.components[0] is required." },
        { "null parameter", WithComponents(new TemplateComponent { Type = "body", Parameters = [null!] }), 131008, "The parameter template.components[0].parameters[0] is required." },
        { "null contact", Text with { Type = "contacts", Contacts = [null!] }, 131008, "The parameter contacts[0] is required." },
        { "null button", WithAction(Buttons, new InteractiveAction { Buttons = [null!] }), 131008, "The parameter interactive.action.buttons[0] is required." },
        { "null section", WithAction(List, List.Interactive!.Action! with { Sections = [null!] }), 131008, "The parameter interactive.action.sections[0] is required." },
        { "null row", WithAction(List, List.Interactive!.Action! with { Sections = [new InteractiveSection { Title = "a", Rows = [null!] }] }), 131008, "The parameter interactive.action.sections[0].rows[0] is required." },
        { "parameter type unknown", WithComponents(new TemplateComponent { Type = "body", Parameters = [new TemplateParameter { Type = "emoji" }] }), 131009, "template.components[0].parameters[0].type is 'emoji'; it must be one of text, currency, date_time, image, document, video, location, payload, coupon_code, action, limited_time_offer, product." },
        { "text parameter without text", WithComponents(new TemplateComponent { Type = "body", Parameters = [new TemplateParameter { Type = "text" }] }), 131008, "The parameter template.components[0].parameters[0].text is required." },
        { "currency without amount", WithComponents(new TemplateComponent { Type = "body", Parameters = [new TemplateParameter { Type = "currency", Currency = new CurrencyValue { FallbackValue = "$1", Code = "USD" } }] }), 131008, "The parameter template.components[0].parameters[0].currency.amount_1000 is required." },
        { "currency code invalid", WithComponents(new TemplateComponent { Type = "body", Parameters = [new TemplateParameter { Type = "currency", Currency = new CurrencyValue { FallbackValue = "$1", Code = "usd", Amount1000 = 1000 } }] }), 131009, "template.components[0].parameters[0].currency.code is 'usd'; it must be an ISO 4217 code such as USD." },
        { "date_time without fallback", WithComponents(new TemplateComponent { Type = "body", Parameters = [new TemplateParameter { Type = "date_time", DateTime = new DateTimeValue() }] }), 131008, "The parameter template.components[0].parameters[0].date_time.fallback_value is required." },
        { "image parameter without media", WithComponents(new TemplateComponent { Type = "header", Parameters = [new TemplateParameter { Type = "image" }] }), 131008, "The parameter template.components[0].parameters[0].image is required." },

        // Reply buttons
        { "no buttons", WithAction(Buttons, new InteractiveAction { Buttons = [] }), 131008, "The parameter interactive.action.buttons is required." },
        { "four buttons", WithAction(Buttons, new InteractiveAction { Buttons = [Reply("a"), Reply("b"), Reply("c"), Reply("d")] }), 100, "interactive.action.buttons has 4 buttons; the maximum is 3." },
        { "button title 21", WithAction(Buttons, new InteractiveAction { Buttons = [Reply("a", new string('t', 21))] }), 100, "interactive.action.buttons[0].reply.title is 21 characters long; the maximum is 20." },
        { "button id 257", WithAction(Buttons, new InteractiveAction { Buttons = [Reply(new string('i', 257))] }), 100, "interactive.action.buttons[0].reply.id is 257 characters long; the maximum is 256." },
        { "duplicate button ids", WithAction(Buttons, new InteractiveAction { Buttons = [Reply("a"), Reply("a")] }), 131009, "interactive.action.buttons[1].reply.id 'a' is used by another button; button ids must be unique." },
        { "button not reply", WithAction(Buttons, new InteractiveAction { Buttons = [new InteractiveButton { Type = "url", Reply = new InteractiveReply { Id = "a", Title = "A" } }] }), 131009, "interactive.action.buttons[0].type is 'url'; it must be 'reply'." },
        { "interactive body missing", Buttons with { Interactive = Buttons.Interactive! with { Body = null } }, 131008, "The parameter interactive.body.text is required." },
        { "interactive body 1025", Buttons with { Interactive = Buttons.Interactive! with { Body = new InteractiveText { Text = new string('b', 1025) } } }, 100, "interactive.body.text is 1025 characters long; the maximum is 1024." },
        { "interactive footer 61", Buttons with { Interactive = Buttons.Interactive! with { Footer = new InteractiveText { Text = new string('f', 61) } } }, 100, "interactive.footer.text is 61 characters long; the maximum is 60." },
        { "interactive header 61", Buttons with { Interactive = Buttons.Interactive! with { Header = new InteractiveHeader { Type = "text", Text = new string('h', 61) } } }, 100, "interactive.header.text is 61 characters long; the maximum is 60." },

        // Lists
        { "list button 21", WithAction(List, List.Interactive!.Action! with { Button = new string('b', 21) }), 100, "interactive.action.button is 21 characters long; the maximum is 20." },
        { "eleven sections", WithAction(List, List.Interactive!.Action! with { Sections = [.. Enumerable.Range(0, 11).Select(i => Section($"s{i}", 1))] }), 100, "interactive.action.sections has 11 sections; the maximum is 10." },
        { "eleven rows", WithAction(List, List.Interactive!.Action! with { Sections = [Section("a", 6), Section("b", 5)] }), 100, "interactive.action.sections has 11 rows in all; the maximum is 10." },
        { "section without rows", WithAction(List, List.Interactive!.Action! with { Sections = [Section("a", 0)] }), 131008, "The parameter interactive.action.sections[0].rows is required." },
        { "two sections, one untitled", WithAction(List, List.Interactive!.Action! with { Sections = [Section("a", 1), Section(null, 1)] }), 131008, "The parameter interactive.action.sections[1].title is required." },
        { "section title 25", WithAction(List, List.Interactive!.Action! with { Sections = [Section(new string('s', 25), 1)] }), 100, "interactive.action.sections[0].title is 25 characters long; the maximum is 24." },
        { "row title 25", WithAction(List, List.Interactive!.Action! with { Sections = [new InteractiveSection { Title = "a", Rows = [new InteractiveRow { Id = "r", Title = new string('t', 25) }] }] }), 100, "interactive.action.sections[0].rows[0].title is 25 characters long; the maximum is 24." },
        { "row description 73", WithAction(List, List.Interactive!.Action! with { Sections = [new InteractiveSection { Title = "a", Rows = [new InteractiveRow { Id = "r", Title = "t", Description = new string('d', 73) }] }] }), 100, "interactive.action.sections[0].rows[0].description is 73 characters long; the maximum is 72." },
        { "row id 201", WithAction(List, List.Interactive!.Action! with { Sections = [new InteractiveSection { Title = "a", Rows = [new InteractiveRow { Id = new string('i', 201), Title = "t" }] }] }), 100, "interactive.action.sections[0].rows[0].id is 201 characters long; the maximum is 200." },
    };

    public static TheoryData<string> ValidSends => [.. MetaExamples.Sends];

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachLimit_IsRejectedWithItsCodeAndExactDetails(string name, SendMessageRequest request, int code, string details)
    {
        var error = SendMessageValidator.Validate(request);

        Assert.NotNull(error);
        Assert.Equal((code, details), (error.Code, error.Details));
        var title = code switch
        {
            100 => "Invalid parameter",
            131008 => "Required parameter is missing",
            131009 => "Parameter value is not valid",
            _ => "Unsupported message type",
        };
        Assert.Equal($"(#{code}) {title}", error.Message);
        Assert.Equal("whatsapp", error.ErrorData!.MessagingProduct);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Theory]
    [MemberData(nameof(ValidSends))]
    public void MetasExamples_AreValid(string example)
    {
        Assert.Null(SendMessageValidator.Validate(Parse(example)));
    }

    [Fact]
    public void TheLimitsThemselves_AreAccepted()
    {
        Assert.Null(SendMessageValidator.Validate(Text with { Text = new TextContent { Body = new string('a', 4096) }, BizOpaqueCallbackData = new string('x', 512) }));
        Assert.Null(SendMessageValidator.Validate(WithComponents(Header(new string('h', 60)), Body(new string('b', 1024)), Button("quick_reply", "9"))));
        Assert.Null(SendMessageValidator.Validate(WithComponents(Body(new string('b', 20000), new string('b', 12768)))));
        Assert.Null(SendMessageValidator.Validate(WithAction(Buttons, new InteractiveAction { Buttons = [Reply("a", new string('t', 20)), Reply("b"), Reply("c")] })));
        Assert.Null(SendMessageValidator.Validate(WithAction(List, List.Interactive!.Action! with { Sections = [Section("a", 5), Section("b", 5)] })));
        Assert.Null(SendMessageValidator.Validate(Text with { To = "+44 20 7946 0958" }));
        Assert.Null(SendMessageValidator.Validate(Text with { To = "16505551234" }));
    }

    private static SendMessageRequest Parse(string json) => JsonSerializer.Deserialize(json, CloudApiJsonContext.Wire.SendMessageRequest)!;

    private static SendMessageRequest WithComponents(params TemplateComponent[] components) =>
        Template with { Template = Template.Template! with { Components = components } };

    private static SendMessageRequest WithAction(SendMessageRequest request, InteractiveAction action) =>
        request with { Interactive = request.Interactive! with { Action = action } };

    private static TemplateComponent Header(string text) => new() { Type = "header", Parameters = [new TemplateParameter { Type = "text", Text = text }] };

    private static TemplateComponent Body(params string[] texts) => new() { Type = "body", Parameters = [.. texts.Select(t => new TemplateParameter { Type = "text", Text = t })] };

    private static TemplateComponent Button(string? subType, string? index) =>
        new() { Type = "button", SubType = subType, Index = index, Parameters = [new TemplateParameter { Type = "payload", Payload = "YES" }] };

    private static InteractiveButton Reply(string id, string title = "Title") => new() { Type = "reply", Reply = new InteractiveReply { Id = id, Title = title } };

    private static InteractiveSection Section(string? title, int rows) =>
        new() { Title = title, Rows = [.. Enumerable.Range(0, rows).Select(i => new InteractiveRow { Id = $"{title}-{i}", Title = $"Row {i}" })] };
}
