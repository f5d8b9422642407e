namespace WaDispatch.CloudApi.Templates;

/// <summary>A message template as Meta's template store describes it (<c>GET /{waba_id}/message_templates</c>).</summary>
public sealed record MessageTemplate
{
    /// <summary>Meta's id of the template.</summary>
    public string? Id { get; init; }

    /// <summary>The name a send refers to.</summary>
    public string? Name { get; init; }

    /// <summary>The language code, e.g. <c>en_US</c>; a name has one template per language.</summary>
    public string? Language { get; init; }

    /// <summary><c>APPROVED</c>, <c>PENDING</c>, <c>REJECTED</c>, <c>PAUSED</c>, <c>DISABLED</c>, <c>PENDING_DELETION</c>, …</summary>
    public string? Status { get; init; }

    /// <summary><c>MARKETING</c>, <c>UTILITY</c> or <c>AUTHENTICATION</c>.</summary>
    public string? Category { get; init; }

    /// <summary><c>POSITIONAL</c> (<c>{{1}}</c>, the default) or <c>NAMED</c> (<c>{{first_name}}</c>).</summary>
    public string? ParameterFormat { get; init; }

    /// <summary>Header, body, footer and buttons.</summary>
    public IReadOnlyList<MessageTemplateComponent>? Components { get; init; }
}
