using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaDispatch.CloudApi.Serialization;

/// <summary>
/// A Unix time in seconds kept as text: read from a JSON number or string, written as a number when it is one, as
/// Meta writes <c>entry.time</c>.
/// </summary>
public sealed class UnixSecondsConverter : JsonConverter<string>
{
    private static readonly FlexibleStringConverter Reader = new();

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Reader.Read(ref reader, typeToConvert, options);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            writer.WriteNumberValue(seconds);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
