namespace WaDispatch.CloudApi.Messages;

/// <summary>A template message's content: which template, in which language, with which parameters.</summary>
public sealed record TemplateContent
{
    /// <summary>The template's name.</summary>
    public string? Name { get; init; }

    /// <summary>The template's language.</summary>
    public TemplateLanguage? Language { get; init; }

    /// <summary>Header, body and button parameters.</summary>
    public IReadOnlyList<TemplateComponent>? Components { get; init; }
}

/// <summary>A template language.</summary>
public sealed record TemplateLanguage
{
    /// <summary>The language code, e.g. <c>en_US</c>.</summary>
    public string? Code { get; init; }

    /// <summary><c>deterministic</c> when given.</summary>
    public string? Policy { get; init; }
}

/// <summary>The parameters of one template component.</summary>
public sealed record TemplateComponent
{
    /// <summary><c>header</c>, <c>body</c> or <c>button</c>.</summary>
    public string? Type { get; init; }

    /// <summary>For buttons: <c>quick_reply</c>, <c>url</c>, <c>phone_number</c> and the newer sub-types.</summary>
    public string? SubType { get; init; }

    /// <summary>For buttons: the button's position, "0" to "9" (a number is read as its text).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? Index { get; init; }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<TemplateParameter>? Parameters { get; init; }
}

/// <summary>One template parameter; <see cref="Type"/> says which value property is set.</summary>
public sealed record TemplateParameter
{
    /// <summary>text, currency, date_time, image, document, video, payload.</summary>
    public string? Type { get; init; }

    /// <summary>For named parameters: the parameter's name.</summary>
    public string? ParameterName { get; init; }

    /// <summary>A text value (also a URL button's suffix).</summary>
    public string? Text { get; init; }

    /// <summary>A currency value.</summary>
    public CurrencyValue? Currency { get; init; }

    /// <summary>A date-time value.</summary>
    public DateTimeValue? DateTime { get; init; }

    /// <summary>An image for a media header.</summary>
    public MediaContent? Image { get; init; }

    /// <summary>A document for a media header.</summary>
    public MediaContent? Document { get; init; }

    /// <summary>A video for a media header.</summary>
    public MediaContent? Video { get; init; }

    /// <summary>A quick-reply button's payload.</summary>
    public string? Payload { get; init; }
}

/// <summary>A currency parameter.</summary>
public sealed record CurrencyValue
{
    /// <summary>The text shown when localisation fails.</summary>
    public string? FallbackValue { get; init; }

    /// <summary>ISO 4217 code.</summary>
    public string? Code { get; init; }

    /// <summary>The amount times 1,000.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("amount_1000")]
    public long? Amount1000 { get; init; }
}

/// <summary>A date-time parameter.</summary>
public sealed record DateTimeValue
{
    /// <summary>The text shown.</summary>
    public string? FallbackValue { get; init; }
}
