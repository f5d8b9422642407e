using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaDispatch.CloudApi.Serialization;

/// <summary>
/// Reads a JSON string, number or boolean as its text. Meta sends some fields (timestamps, template ids,
/// limits) as numbers in one payload and strings in another; this keeps both parseable. An array of such values
/// (Meta documents some single-valued fields, like <c>waba_ban_state</c>, as arrays) reads as its items joined by commas.
/// </summary>
public sealed class FlexibleStringConverter : JsonConverter<string>
{
    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return Scalar(ref reader);
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (Scalar(ref reader) is { } item)
            {
                items.Add(item);
            }
        }

        return items.Count == 0 ? null : string.Join(',', items);
    }

    private static string? Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string or a number, found {reader.TokenType}."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
