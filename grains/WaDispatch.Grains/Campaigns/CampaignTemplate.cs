using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// A campaign's template object with <c>{{key}}</c> placeholders in its string values, filled per recipient
/// from the audience row's values. Placeholders are replaced in the JSON text, so a number given as a
/// string (<c>"amount_1000": "{{total}}"</c>) takes a per-recipient number too.
/// </summary>
public static partial class CampaignTemplate
{
    /// <summary>The keys the template's placeholders name.</summary>
    public static IReadOnlySet<string> Keys(string templateJson) =>
        Placeholder().Matches(templateJson).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The template with every placeholder replaced by its value; null when a key has no value.</summary>
    public static string? Fill(string templateJson, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var missing = false;
        var filled = Placeholder().Replace(templateJson, match =>
        {
            if (!values.TryGetValue(match.Groups[1].Value, out var value))
            {
                missing = true;
                return match.Value;
            }

            // JSON-escaped, without the quotes: it goes inside the string the placeholder sat in.
            var encoded = JsonSerializer.Serialize(value, CloudApiJsonContext.Wire.String);
            return encoded[1..^1];
        });
        return missing ? null : filled;
    }

    /// <summary>The send request for one recipient, or null when the filled template is not a template object.</summary>
    public static SendMessageRequest? Request(string to, string filledTemplateJson, string? bizOpaqueCallbackData)
    {
        TemplateContent? template;
        try
        {
            template = JsonSerializer.Deserialize(filledTemplateJson, CloudApiJsonContext.Wire.TemplateContent);
        }
        catch (JsonException)
        {
            return null;
        }

        return template is null ? null : new SendMessageRequest
        {
            To = to,
            Type = MessageTypes.Template,
            Template = template,
            BizOpaqueCallbackData = bizOpaqueCallbackData,
        };
    }

    /// <summary>The template filled with a sample value for every placeholder, to check its shape once at creation.</summary>
    public static string Sample(string templateJson)
    {
        var values = Keys(templateJson).ToDictionary(k => k, _ => "1", StringComparer.Ordinal);
        return Fill(templateJson, values)!;
    }

    [GeneratedRegex(@"\{\{([A-Za-z_][A-Za-z0-9_]{0,63})\}\}")]
    private static partial Regex Placeholder();

    /// <summary>Compacts <paramref name="element"/> into JSON text.</summary>
    public static string Json(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
