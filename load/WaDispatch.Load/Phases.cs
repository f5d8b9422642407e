using System.Globalization;

namespace WaDispatch.Load;

/// <summary>
/// Where the answers' time went, step by step, from the silo's <c>Server-Timing</c> header on the Cloud API route
/// (<c>upstream</c>, <c>accept</c>, <c>admit</c>, <c>lane</c>, <c>ledger</c>, <c>total</c>; docs/messages.md): the mean of each
/// step over every answer and over the slowest 1 % by WaDispatch's share, so a p99 names the step that makes it.
/// </summary>
internal sealed class Phases
{
    /// <summary>
    /// The steps reported, in the order of a send's way. Derived: "silo, other" (the route's total less its named steps),
    /// "harness late" (how late the harness started the request after its scheduled time: its timer, its thread pool, the
    /// shared cores) and "outside the silo" (the rest: the network, Kestrel before and after the route, the client).
    /// </summary>
    public static readonly string[] Names = ["accept", "admit", "lane", "ledger", "silo, other", "harness late", "outside the silo"];

    private readonly List<double[]> _answers = [];

    /// <summary>Reads a <c>Server-Timing</c> header: each entry's name and its <c>dur</c> in milliseconds.</summary>
    public static Dictionary<string, double> Parse(string header)
    {
        var durations = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var entry in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(';', StringSplitOptions.TrimEntries);
            foreach (var parameter in parts.Skip(1))
            {
                if (parameter.StartsWith("dur=", StringComparison.Ordinal) && double.TryParse(parameter[4..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                {
                    durations[parts[0]] = ms;
                }
            }
        }

        return durations;
    }

    /// <summary>Records one answer: its time less Meta's (WaDispatch's share, as the client saw it), the silo's steps, and how late the harness started it.</summary>
    public void Record(TimeSpan added, IReadOnlyDictionary<string, double> timings, TimeSpan late)
    {
        if (!timings.TryGetValue("total", out var total) || !timings.TryGetValue("accept", out var accept))
        {
            return;
        }

        var upstream = timings.GetValueOrDefault("upstream");
        var admit = timings.GetValueOrDefault("admit");
        var lane = timings.GetValueOrDefault("lane");
        var ledger = timings.GetValueOrDefault("ledger");
        var inSilo = total - upstream;
        var answer = new[] { added.TotalMilliseconds, accept, admit, lane, ledger, inSilo - accept - admit - lane - ledger, late.TotalMilliseconds, added.TotalMilliseconds - inSilo - late.TotalMilliseconds };
        lock (_answers)
        {
            _answers.Add(answer);
        }
    }

    /// <summary>How many answers carried the steps.</summary>
    public int Count
    {
        get
        {
            lock (_answers)
            {
                return _answers.Count;
            }
        }
    }

    /// <summary>Each step's mean over every answer, and over the slowest <paramref name="share"/> of them by WaDispatch's share.</summary>
    public IReadOnlyList<(string Name, TimeSpan All, TimeSpan Slowest)> Means(double share = 0.01)
    {
        List<double[]> answers;
        lock (_answers)
        {
            answers = [.. _answers.OrderByDescending(a => a[0])];
        }

        if (answers.Count == 0)
        {
            return [];
        }

        var slowest = answers.Take(Math.Max(1, (int)Math.Ceiling(Math.Round(answers.Count * share, 6)))).ToList();
        return [.. Names.Select((name, i) => (name, TimeSpan.FromMilliseconds(answers.Average(a => a[i + 1])), TimeSpan.FromMilliseconds(slowest.Average(a => a[i + 1]))))];
    }
}
