using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// Reads an audience upload row by row, never holding the whole upload: NDJSON (one JSON object per line:
/// <c>to</c> and the per-recipient values) or CSV (a header naming <c>to</c> and the value columns; RFC 4180
/// quoting). A row that cannot be read becomes an entry without <c>to</c>, skipped as invalid.
/// </summary>
public static class AudienceReader
{
    /// <summary>The longest line (or CSV record) read; longer ones are refused as a whole.</summary>
    public const int MaxLineLength = 64 * 1024;

    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();

    /// <summary>Reads NDJSON rows from <paramref name="stream"/>.</summary>
    public static async IAsyncEnumerable<AudienceEntry> ReadNdjsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var line = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            line++;
            if (text.Length > MaxLineLength)
            {
                throw new AudienceFormatException($"audience line {line} is {text.Length} characters long; the limit is {MaxLineLength}.");
            }

            if (!string.IsNullOrWhiteSpace(text))
            {
                yield return FromJson(text);
            }
        }
    }

    /// <summary>Reads CSV rows from <paramref name="stream"/>; the first record is the header and must name a <c>to</c> column.</summary>
    public static async IAsyncEnumerable<AudienceEntry> ReadCsvAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var header = await ReadRecordAsync(reader, cancellationToken).ConfigureAwait(false)
            ?? throw new AudienceFormatException("The audience CSV is empty: its first line must be a header naming a 'to' column.");
        var names = header.Select(h => h.Trim()).ToList();
        var to = names.FindIndex(n => string.Equals(n, "to", StringComparison.OrdinalIgnoreCase));
        if (to < 0)
        {
            throw new AudienceFormatException($"The audience CSV header ({string.Join(",", names)}) has no 'to' column.");
        }

        while (await ReadRecordAsync(reader, cancellationToken).ConfigureAwait(false) is { } record)
        {
            if (record is [""])
            {
                continue;
            }

            if (record.Count != names.Count)
            {
                yield return new AudienceEntry(null, NoValues);
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                if (i != to)
                {
                    values[names[i]] = record[i];
                }
            }

            yield return new AudienceEntry(record[to].Trim(), values);
        }
    }

    /// <summary>A JSON object row: <c>to</c> and string, number or boolean values; anything else is an invalid row.</summary>
    public static AudienceEntry FromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            return new AudienceEntry(null, NoValues);
        }
    }

    /// <summary>A JSON object row, already parsed; a row with a value that is not text (an unpaired surrogate escape, a NUL) is invalid.</summary>
    public static AudienceEntry FromJson(JsonElement row)
    {
        try
        {
            return Read(row);
        }
        catch (InvalidOperationException)
        {
            // GetString on an unpaired surrogate escape: valid JSON syntax, but not text.
            return new AudienceEntry(null, NoValues);
        }
    }

    private static AudienceEntry Read(JsonElement row)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            return new AudienceEntry(null, NoValues);
        }

        string? to = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in row.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => null,
            };
            if (value is null || value.Contains('\0', StringComparison.Ordinal) || property.Name.Contains('\0', StringComparison.Ordinal))
            {
                return new AudienceEntry(null, NoValues);
            }

            if (property.NameEquals("to"))
            {
                to = value;
            }
            else
            {
                values[property.Name] = value;
            }
        }

        return new AudienceEntry(to, values);
    }

    /// <summary>One CSV record (which may span lines inside quotes), or null at the end.</summary>
    private static async Task<List<string>?> ReadRecordAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null)
        {
            return null;
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var length = 0;
        while (true)
        {
            length += line.Length;
            if (length > MaxLineLength)
            {
                throw new AudienceFormatException($"An audience CSV record is longer than {MaxLineLength} characters.");
            }

            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quoted)
                {
                    if (c != '"')
                    {
                        field.Append(c);
                    }
                    else if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            if (!quoted)
            {
                fields.Add(field.ToString());
                return fields;
            }

            // A quoted field goes on to the next line.
            field.Append('\n');
            line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new AudienceFormatException("The audience CSV ends inside a quoted field.");
        }
    }
}
