using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace WaDispatch.Load;

/// <summary>The campaign scenario: one campaign, its audience uploaded as an NDJSON file, on one number.</summary>
/// <param name="Recipients">Rows in the audience, each a recipient of its own.</param>
/// <param name="OptedOutShare">The share of recipients who stopped marketing before the campaign (every tenth, for 0.1).</param>
/// <param name="UndeliverableShare">The share Meta accepts and then fails with 131026.</param>
/// <param name="TierMps">The number's tier.</param>
internal sealed record CampaignScenario(int Recipients, double OptedOutShare, double UndeliverableShare, int TierMps)
{
    /// <summary>Extra silo settings.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The longest the harness waits for the campaign to finish and its statuses to settle.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The requirement's scenario: a million recipients, 10 % opted out, 1 % undeliverable, on a 1,000-mps number.</summary>
    public static CampaignScenario Million => new(1_000_000, 0.10, 0.01, 1000);

    /// <summary>Whether recipient <paramref name="i"/> opted out (spread evenly through the audience).</summary>
    public bool OptedOut(int i) => OptedOutShare > 0 && i % (int)Math.Round(1 / OptedOutShare) == 0;

    /// <summary>Whether recipient <paramref name="i"/> is undeliverable (spread evenly, never one who opted out).</summary>
    public bool Undeliverable(int i) => UndeliverableShare > 0 && !OptedOut(i) && i % (int)Math.Round(1 / UndeliverableShare) == 1;

    /// <summary>Recipient <paramref name="i"/>'s WhatsApp id.</summary>
    public static string WaId(int i) => string.Create(CultureInfo.InvariantCulture, $"18{i:D9}");
}

/// <summary>What the campaign came to: its final counts against the expected ones, its pace and the silo's memory.</summary>
internal sealed record CampaignResult(
    CampaignScenario Scenario,
    DateTimeOffset StartedAt,
    string CampaignId,
    string Status,
    IReadOnlyDictionary<string, long> Expected,
    IReadOnlyDictionary<string, long> Final,
    TimeSpan Upload,
    TimeSpan Sending,
    double SteadyMps,
    IReadOnlyList<int> SentPerSecond,
    long RateLimited,
    int FullestSecond,
    TimeSpan SiloCpu,
    long SiloPeakWorkingSet,
    string Machine)
{
    /// <summary>The counts that differ from what was expected, said in a line each.</summary>
    public IEnumerable<string> CountMismatches =>
        Expected.Where(e => Final.GetValueOrDefault(e.Key) != e.Value).Select(e => $"{e.Key}: expected {e.Value:N0}, got {Final.GetValueOrDefault(e.Key):N0}");
}

/// <summary>
/// Runs a <see cref="CampaignScenario"/>: the opt-outs reach the silo the way Meta tells them (a
/// <c>user_preferences</c> webhook each, from the referee), the undeliverable recipients are set at the referee,
/// then the audience is uploaded as a multipart NDJSON file and the campaign followed until it completes and
/// every status webhook has been applied. Counts come from the silo's campaign view (its ledger).
/// </summary>
internal sealed class CampaignLoad(Action<string> status)
{
    private const string Number = "106540352310000";

    public async Task<CampaignResult> RunAsync(CampaignScenario scenario, CancellationToken cancellationToken)
    {
        status("starting the simulator and the silo");
        await using var rig = await LoadRig.StartAsync(webhooks: true, scenario.SiloSettings);
        await rig.SetTierAsync(Number, scenario.TierMps, cancellationToken);
        var startedAt = DateTimeOffset.UtcNow;
        using var sampling = new CancellationTokenSource();
        var sampler = rig.Silo.SampleEverySecondAsync(sampling.Token);

        var optedOut = Enumerable.Range(0, scenario.Recipients).Where(scenario.OptedOut).ToList();
        var undeliverable = Enumerable.Range(0, scenario.Recipients).Where(scenario.Undeliverable).ToList();
        await Parallel.ForEachAsync(optedOut, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
            (await rig.Referee.PostAsJsonAsync("_sim/user-preferences", new { phone_number_id = Number, wa_id = CampaignScenario.WaId(i), value = "stop" }, token)).EnsureSuccessStatusCode());
        await Parallel.ForEachAsync(undeliverable, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
            (await rig.Referee.PutAsJsonAsync($"_sim/recipients/{CampaignScenario.WaId(i)}", new { fail_with = 131026 }, token)).EnsureSuccessStatusCode());
        await WebhooksAppliedAsync(rig, "opt-outs", cancellationToken);

        status($"uploading {scenario.Recipients:N0} recipients");
        var file = await AudienceFileAsync(scenario.Recipients, cancellationToken);
        var cpuBefore = rig.Silo.ProcessorTime;
        var upload = Stopwatch.StartNew();
        string id;
        await using (var audience = File.OpenRead(file))
        {
            using var content = new MultipartFormDataContent
            {
                { JsonContent.Create(new { phone_number_id = Number, template = new { name = "promo", language = new { code = "en_US" } }, category = "MARKETING" }), "campaign" },
            };
            var part = new StreamContent(audience);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            content.Add(part, "audience", "audience.ndjson");
            using var created = await rig.Front.PostAsync(new Uri("v1/campaigns", UriKind.Relative), content, cancellationToken);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The campaign was refused: {(int)created.StatusCode} {body}");
            }

            id = body.GetProperty("id").GetString()!;
        }

        upload.Stop();
        File.Delete(file);

        var sending = Stopwatch.StartNew();
        // (seconds since the upload, messages Meta accepted so far): polls take longer than a second when the counts do.
        var samples = new List<(double At, long Accepted)>();
        JsonElement view;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            view = await rig.Front.GetFromJsonAsync<JsonElement>($"v1/campaigns/{id}", cancellationToken);
            var counts = view.GetProperty("counts");
            var sent = counts.GetProperty("sent").GetInt64();
            samples.Add((sending.Elapsed.TotalSeconds, sent + counts.GetProperty("failed").EnumerateObject().Sum(f => f.Value.GetInt64())));
            var campaignStatus = view.GetProperty("status").GetString();
            status($"{sending.Elapsed:hh\\:mm\\:ss} {campaignStatus}: sent {sent:N0}, pending {counts.GetProperty("pending").GetInt64():N0}, delivered {counts.GetProperty("delivered").GetInt64():N0}; silo {rig.Silo.WorkingSet / (1024 * 1024):N0} MiB");
            if (campaignStatus is "completed" or "cancelled" or "expired" || deadline.Elapsed > scenario.Deadline)
            {
                break;
            }
        }

        sending.Stop();
        var cpu = rig.Silo.ProcessorTime - cpuBefore;
        var expected = Expected(scenario);
        await WebhooksAppliedAsync(rig, "statuses", cancellationToken);
        view = await rig.Front.GetFromJsonAsync<JsonElement>($"v1/campaigns/{id}", cancellationToken);
        var stats = await rig.StatsAsync(Number, cancellationToken);
        await sampling.CancelAsync();
        await sampler;

        // Steady: the seconds after the first one that sent anything and before the last, while the audience lasted.
        // Per second: each poll's growth over its own interval, spread over the seconds it covered. Steady: from the first
        // sample that saw a send to the first that saw them all.
        var perSecond = new List<int>();
        for (var i = 1; i < samples.Count; i++)
        {
            var rate = (samples[i].Accepted - samples[i - 1].Accepted) / Math.Max(0.001, samples[i].At - samples[i - 1].At);
            while (perSecond.Count < (int)samples[i].At)
            {
                perSecond.Add((int)Math.Round(rate));
            }
        }

        var first = samples.FindIndex(s => s.Accepted > 0);
        var last = samples.FindIndex(s => s.Accepted == samples[^1].Accepted);
        var steady = first >= 0 && last > first ? (samples[last].Accepted - samples[first].Accepted) / (samples[last].At - samples[first].At) : 0;
        return new CampaignResult(scenario, startedAt, id, view.GetProperty("status").GetString()!, expected, Final(view.GetProperty("counts")), upload.Elapsed, sending.Elapsed, steady, perSecond,
            LoadRig.RateLimited(stats), stats.GetProperty("max_in_sliding_second").GetInt32(), cpu, rig.Silo.PeakWorkingSet, LoadRig.Machine);
    }

    /// <summary>The counts a faithful dispatcher ends with.</summary>
    public static Dictionary<string, long> Expected(CampaignScenario scenario)
    {
        var optedOut = Enumerable.Range(0, scenario.Recipients).Count(scenario.OptedOut);
        var undeliverable = Enumerable.Range(0, scenario.Recipients).Count(scenario.Undeliverable);
        var delivered = scenario.Recipients - optedOut - undeliverable;
        return new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["recipients"] = scenario.Recipients,
            // Meta accepts the undeliverable ones, then fails them: they end under failed, not sent.
            ["sent"] = delivered,
            ["delivered"] = delivered,
            ["read"] = delivered,
            ["failed:131026"] = undeliverable,
            ["skipped:opted_out"] = optedOut,
            ["pending"] = 0,
        };
    }

    private static Dictionary<string, long> Final(JsonElement counts)
    {
        var final = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["recipients"] = counts.GetProperty("recipients").GetInt64(),
            ["sent"] = counts.GetProperty("sent").GetInt64(),
            ["delivered"] = counts.GetProperty("delivered").GetInt64(),
            ["read"] = counts.GetProperty("read").GetInt64(),
            ["pending"] = counts.GetProperty("pending").GetInt64(),
            ["expired"] = counts.GetProperty("expired").GetInt64(),
            ["cancelled"] = counts.GetProperty("cancelled").GetInt64(),
        };
        foreach (var group in (string[])["failed", "skipped", "deferred"])
        {
            foreach (var entry in counts.GetProperty(group).EnumerateObject())
            {
                final[$"{group}:{entry.Name}"] = entry.Value.GetInt64();
            }
        }

        return final;
    }

    /// <summary>Waits until the referee has no webhook left to post and the silo has applied every one it posted (its lag histogram's count).</summary>
    private async Task WebhooksAppliedAsync(LoadRig rig, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(30))
        {
            var posted = await rig.Referee.GetFromJsonAsync<JsonElement>("_sim/webhooks", cancellationToken);
            var applied = (await rig.WebhookLagAsync(cancellationToken))?.Applied ?? 0;
            var delivered = posted.GetProperty("delivered").GetInt64();
            status($"waiting for the {what}' webhooks: {applied:N0} of {delivered:N0} applied, {posted.GetProperty("pending").GetInt64():N0} still to post");
            if (posted.GetProperty("pending").GetInt64() == 0 && applied >= delivered)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>Writes the audience as NDJSON to a temporary file (streamed to the silo from there).</summary>
    private static async Task<string> AudienceFileAsync(int recipients, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"wadispatch-audience-{Guid.NewGuid():N}.ndjson");
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        for (var i = 0; i < recipients; i++)
        {
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{{\"to\":\"+{CampaignScenario.WaId(i)}\"}}\n").AsMemory(), cancellationToken);
        }

        return path;
    }
}
