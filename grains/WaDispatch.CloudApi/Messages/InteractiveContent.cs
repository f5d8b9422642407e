namespace WaDispatch.CloudApi.Messages;

/// <summary>An interactive message: reply buttons (<c>button</c>) or a list (<c>list</c>).</summary>
public sealed record InteractiveContent
{
    /// <summary><c>button</c> or <c>list</c> (other interactive types pass through unvalidated).</summary>
    public string? Type { get; init; }

    /// <summary>An optional header.</summary>
    public InteractiveHeader? Header { get; init; }

    /// <summary>The body text.</summary>
    public InteractiveText? Body { get; init; }

    /// <summary>An optional footer.</summary>
    public InteractiveText? Footer { get; init; }

    /// <summary>The buttons or the list.</summary>
    public InteractiveAction? Action { get; init; }
}

/// <summary>An interactive header: text or media.</summary>
public sealed record InteractiveHeader
{
    /// <summary>text, image, video or document.</summary>
    public string? Type { get; init; }

    /// <summary>Header text.</summary>
    public string? Text { get; init; }

    /// <summary>Header image.</summary>
    public MediaContent? Image { get; init; }

    /// <summary>Header video.</summary>
    public MediaContent? Video { get; init; }

    /// <summary>Header document.</summary>
    public MediaContent? Document { get; init; }
}

/// <summary>Body or footer text.</summary>
public sealed record InteractiveText
{
    /// <summary>The text.</summary>
    public string? Text { get; init; }
}

/// <summary>The action of an interactive message.</summary>
public sealed record InteractiveAction
{
    /// <summary>For lists: the text of the button that opens the list.</summary>
    public string? Button { get; init; }

    /// <summary>For reply buttons: up to three.</summary>
    public IReadOnlyList<InteractiveButton>? Buttons { get; init; }

    /// <summary>For lists: up to ten sections.</summary>
    public IReadOnlyList<InteractiveSection>? Sections { get; init; }
}

/// <summary>A reply button.</summary>
public sealed record InteractiveButton
{
    /// <summary>Always <c>reply</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The button's id and title.</summary>
    public InteractiveReply? Reply { get; init; }
}

/// <summary>A reply button's id and title.</summary>
public sealed record InteractiveReply
{
    /// <summary>Returned in the user's reply; at most 256 characters.</summary>
    public string? Id { get; init; }

    /// <summary>The button's label; at most 20 characters.</summary>
    public string? Title { get; init; }
}

/// <summary>A list section.</summary>
public sealed record InteractiveSection
{
    /// <summary>Required when there is more than one section; at most 24 characters.</summary>
    public string? Title { get; init; }

    /// <summary>The rows; at most 10 over all sections.</summary>
    public IReadOnlyList<InteractiveRow>? Rows { get; init; }
}

/// <summary>A list row.</summary>
public sealed record InteractiveRow
{
    /// <summary>Returned in the user's reply; at most 200 characters.</summary>
    public string? Id { get; init; }

    /// <summary>At most 24 characters.</summary>
    public string? Title { get; init; }

    /// <summary>At most 72 characters.</summary>
    public string? Description { get; init; }
}
