using System.Globalization;
using System.Text.RegularExpressions;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Templates;

namespace WaDispatch.Grains.Templates;

/// <summary>
/// Checks a template send against the stored template, with Meta's codes, so that a send bound to fail
/// never costs throughput: 132001 unknown or not approved, 132015 paused, 132016 disabled, 132000 wrong
/// number of parameters, 132012 a parameter of the wrong kind.
/// </summary>
public static partial class TemplateCheck
{
    /// <summary>Null when <paramref name="send"/> fits <paramref name="template"/>; else the error Meta would give.</summary>
    public static CloudApiError? Check(MessageTemplate template, TemplateContent send)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(send);
        var label = $"Template {template.Name} ({template.Language})";
        switch (template.Status)
        {
            case "APPROVED":
                break;
            case "PAUSED":
                return CloudApiError.Create(ErrorCodes.TemplatePaused, "Template is paused", $"{label} is paused by Meta for its quality rating.");
            case "DISABLED":
                return CloudApiError.Create(ErrorCodes.TemplateDisabled, "Template is disabled", $"{label} is disabled by Meta.");
            default:
                return CloudApiError.Create(ErrorCodes.TemplateDoesNotExist, "Template name does not exist in the translation", $"{label} is {template.Status ?? "without a status"}, not APPROVED.");
        }

        var named = string.Equals(template.ParameterFormat, "NAMED", StringComparison.OrdinalIgnoreCase);
        foreach (var component in (template.Components ?? []).Where(c => c is not null))
        {
            if (Problem(component, send, named, label) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static CloudApiError? Problem(MessageTemplateComponent component, TemplateContent send, bool named, string label)
    {
        switch (component.Type?.ToUpperInvariant())
        {
            case "BODY":
                return TextParameters(Placeholders(component.Text), Parameters(send, "body"), named, $"{label}: body");
            case "HEADER" when string.Equals(component.Format, "TEXT", StringComparison.OrdinalIgnoreCase) || component.Format is null:
                return TextParameters(Placeholders(component.Text), Parameters(send, "header"), named, $"{label}: header");
            case "HEADER" when component.Format is "IMAGE" or "VIDEO" or "DOCUMENT":
                var header = Parameters(send, "header");
                if (header.Count != 1)
                {
                    return Count($"{label}: header", 1, header.Count);
                }

                return string.Equals(header[0].Type, component.Format, StringComparison.OrdinalIgnoreCase)
                    ? null
                    : Format($"{label}: header", $"is a {component.Format!.ToLowerInvariant()} header; the parameter is {header[0].Type ?? "of no type"}");
            case "BUTTONS":
                var buttons = component.Buttons ?? [];
                for (var index = 0; index < buttons.Count; index++)
                {
                    if (buttons[index] is { Type: "URL", Url: { } url } && Placeholders(url).Count > 0
                        && !(send.Components ?? []).Any(c => string.Equals(c.Type, "button", StringComparison.OrdinalIgnoreCase) && c.Index == index.ToString(CultureInfo.InvariantCulture) && c.Parameters is [_]))
                    {
                        return Count($"{label}: URL button {index}", 1, 0);
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static CloudApiError? TextParameters(List<string> placeholders, IReadOnlyList<TemplateParameter> parameters, bool named, string where)
    {
        if (placeholders.Count != parameters.Count)
        {
            return Count(where, placeholders.Count, parameters.Count);
        }

        if (named && parameters.Select(p => p?.ParameterName).Distinct(StringComparer.Ordinal).Count() != parameters.Count)
        {
            return Format(where, "names a parameter twice");
        }

        foreach (var parameter in parameters)
        {
            if (parameter is null)
            {
                return Format(where, "has an empty parameter");
            }

            var ok = parameter.Type switch
            {
                "text" => !string.IsNullOrEmpty(parameter.Text),
                "currency" => parameter.Currency is { FallbackValue.Length: > 0, Code.Length: 3, Amount1000: not null },
                "date_time" => parameter.DateTime is { FallbackValue.Length: > 0 },
                _ => false,
            };
            if (!ok)
            {
                return Format(where, $"has a {parameter.Type ?? "typeless"} parameter without its value; text parameters need text, currency needs fallback_value, code and amount_1000, date_time needs fallback_value");
            }

            if (named && (parameter.ParameterName is not { } name || !placeholders.Contains(name, StringComparer.Ordinal)))
            {
                return Format(where, $"uses named parameters {{{{{string.Join("}}, {{", placeholders)}}}}}; a parameter is named '{parameter.ParameterName}'");
            }
        }

        return null;
    }

    /// <summary>The distinct placeholders of a text, in order: <c>1</c>, <c>2</c> … or names.</summary>
    private static List<string> Placeholders(string? text) =>
        text is null ? [] : [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    private static IReadOnlyList<TemplateParameter> Parameters(TemplateContent send, string type) =>
        send.Components?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.OrdinalIgnoreCase))?.Parameters ?? [];

    private static CloudApiError Count(string where, int expected, int got) =>
        CloudApiError.Create(ErrorCodes.GenericUserError, "Number of parameters does not match the expected number of params", $"{where} expects {expected} parameter{(expected == 1 ? string.Empty : "s")}; the send has {got}.");

    private static CloudApiError Format(string where, string why) =>
        CloudApiError.Create(ErrorCodes.TemplateParameterFormatMismatch, "Parameter format does not match format in the created template", $"{where} {why}.");

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
