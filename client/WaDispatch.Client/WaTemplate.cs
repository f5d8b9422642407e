using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Client;

/// <summary>
/// A typed builder for template sends, reading the way the template does:
/// <code>
/// WaTemplate.Create("order_confirmation", "en_US")
///     .Body(b => b.Text("A-1001").Currency("USD", 100_990, "$100.99").DateTime("June 1, 2026"))
///     .QuickReply(0, "track-A-1001")
///     .Build();
/// </code>
/// </summary>
public sealed class WaTemplate
{
    private readonly string _name;
    private readonly string _language;
    private readonly List<TemplateComponent> _components = [];

    private WaTemplate(string name, string language)
    {
        _name = name;
        _language = language;
    }

    /// <summary>Starts a template send of <paramref name="name"/> in <paramref name="language"/> (e.g. <c>en_US</c>).</summary>
    public static WaTemplate Create(string name, string language)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        return new WaTemplate(name, language);
    }

    /// <summary>The header's parameters (text, image, document, video).</summary>
    public WaTemplate Header(Action<WaParameters> parameters) => Add("header", null, null, parameters);

    /// <summary>The body's parameters, in the order of its placeholders.</summary>
    public WaTemplate Body(Action<WaParameters> parameters) => Add("body", null, null, parameters);

    /// <summary>The payload of the quick-reply button at <paramref name="index"/>.</summary>
    public WaTemplate QuickReply(int index, string payload) =>
        Add("button", "quick_reply", index, p => p.Payload(payload));

    /// <summary>The dynamic suffix of the URL button at <paramref name="index"/>.</summary>
    public WaTemplate UrlButton(int index, string suffix) =>
        Add("button", "url", index, p => p.Text(suffix));

    /// <summary>The code of a one-time-password button at <paramref name="index"/> (authentication templates).</summary>
    public WaTemplate CopyCodeButton(int index, string code) =>
        Add("button", "url", index, p => p.Text(code));

    /// <summary>The template object of the send request.</summary>
    public TemplateContent Build() => new()
    {
        Name = _name,
        Language = new TemplateLanguage { Code = _language, Policy = "deterministic" },
        Components = _components.Count == 0 ? null : [.. _components],
    };

    /// <summary>A whole message to <paramref name="to"/> with this template.</summary>
    public SendMessageRequest To(string to) => WaMessages.Template(to, Build());

    private WaTemplate Add(string type, string? subType, int? index, Action<WaParameters> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = new WaParameters();
        parameters(list);
        _components.Add(new TemplateComponent
        {
            Type = type,
            SubType = subType,
            Index = index?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Parameters = [.. list.Items],
        });
        return this;
    }
}

/// <summary>The parameters of one template component, in order.</summary>
public sealed class WaParameters
{
    internal List<TemplateParameter> Items { get; } = [];

    /// <summary>A text parameter; <paramref name="name"/> for a template with named parameters.</summary>
    public WaParameters Text(string text, string? name = null) => Add(new TemplateParameter { Type = "text", Text = text, ParameterName = name });

    /// <summary>A currency parameter: <paramref name="code"/> (ISO 4217), the amount in thousandths, and the text shown where it cannot be localized.</summary>
    public WaParameters Currency(string code, long amount1000, string fallback) =>
        Add(new TemplateParameter { Type = "currency", Currency = new CurrencyValue { Code = code, Amount1000 = amount1000, FallbackValue = fallback } });

    /// <summary>A date-time parameter, as text.</summary>
    public WaParameters DateTime(string fallback) => Add(new TemplateParameter { Type = "date_time", DateTime = new DateTimeValue { FallbackValue = fallback } });

    /// <summary>An image (header) by link.</summary>
    public WaParameters Image(Uri link) => Add(new TemplateParameter { Type = "image", Image = new MediaContent { Link = link.ToString() } });

    /// <summary>A document (header) by link.</summary>
    public WaParameters Document(Uri link, string? filename = null) => Add(new TemplateParameter { Type = "document", Document = new MediaContent { Link = link.ToString(), Filename = filename } });

    /// <summary>A button payload.</summary>
    public WaParameters Payload(string payload) => Add(new TemplateParameter { Type = "payload", Payload = payload });

    private WaParameters Add(TemplateParameter parameter)
    {
        Items.Add(parameter);
        return this;
    }
}
