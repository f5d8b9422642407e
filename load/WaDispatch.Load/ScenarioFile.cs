using System.Text.Json;

namespace WaDispatch.Load;

/// <summary>
/// Scenario files (<c>load/scenarios/*.json</c>): a scenario's name and options, thresholds included, kept in the
/// repository. <c>run --file F</c> reads one into the command line; options given on the command line win.
/// </summary>
/// <example><code>{"scenario": "sustained", "options": {"seconds": 60, "min-tier-ratio": 0.97, "silo-setting": ["Lanes:MaxInFlight=512"]}}</code></example>
internal static class ScenarioFile
{
    /// <summary><paramref name="args"/> with the file named by <c>--file</c> read into them, or as they are without one.</summary>
    public static string[] Expand(string[] args)
    {
        var at = Array.IndexOf(args, "--file");
        if (at < 0 || at + 1 >= args.Length)
        {
            return args;
        }

        var path = args[at + 1];
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The scenario file '{path}' does not exist.", path);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var tokens = args.Where((_, i) => i != at && i != at + 1).ToList();
        var command = tokens.IndexOf("run");
        if (command >= 0 && (command + 1 >= tokens.Count || tokens[command + 1].StartsWith('-')) && root.TryGetProperty("scenario", out var scenario))
        {
            tokens.Insert(command + 1, scenario.GetString()!);
        }

        if (root.TryGetProperty("options", out var options))
        {
            foreach (var option in options.EnumerateObject())
            {
                var name = "--" + option.Name;
                if (tokens.Contains(name))
                {
                    continue;
                }

                switch (option.Value.ValueKind)
                {
                    case JsonValueKind.True:
                        tokens.Add(name);
                        break;
                    case JsonValueKind.False or JsonValueKind.Null:
                        break;
                    case JsonValueKind.Array:
                        foreach (var value in option.Value.EnumerateArray())
                        {
                            tokens.AddRange([name, Text(value)]);
                        }

                        break;
                    default:
                        tokens.AddRange([name, Text(option.Value)]);
                        break;
                }
            }
        }

        return [.. tokens];
    }

    private static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
