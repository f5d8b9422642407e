namespace WaDispatch.CloudApi.Templates;

/// <summary>One component of a stored template.</summary>
public sealed record MessageTemplateComponent
{
    /// <summary><c>HEADER</c>, <c>BODY</c>, <c>FOOTER</c> or <c>BUTTONS</c>.</summary>
    public string? Type { get; init; }

    /// <summary>For a header: <c>TEXT</c>, <c>IMAGE</c>, <c>VIDEO</c>, <c>DOCUMENT</c>, <c>LOCATION</c>.</summary>
    public string? Format { get; init; }

    /// <summary>The text with its placeholders, e.g. <c>Welcome {{1}}.</c></summary>
    public string? Text { get; init; }

    /// <summary>For <c>BUTTONS</c>: the buttons.</summary>
    public IReadOnlyList<MessageTemplateButton>? Buttons { get; init; }
}
