using System.Net.Http.Json;
using System.Text.RegularExpressions;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// <c>/metrics</c> on a real silo that has sent, received webhooks and run a campaign: valid Prometheus text with the
/// listed series. The silo runs in a process of its own, as in production: OpenTelemetry knows an instrument by its
/// meter's and its own name, so silos of other tests in this process would share (and, for gauges, shadow) its series.
/// </summary>
public sealed partial class MetricsTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private SimulatedSilo _rig = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client => _rig.Client;

    public async ValueTask InitializeAsync() =>
        _rig = await SimulatedSilo.StartAsync("metrics-secret", o =>
        {
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    [Fact]
    public async Task Metrics_AreValidPrometheusText_WithLaneBudgetMessageCampaignWebhookGrainAndStorageSeries()
    {
        var template = new { name = "hello_world", language = new { code = "en_US" } };
        (await Client.PostAsJsonAsync("v1/messages", new { phone_number_id = Number, message = new { messaging_product = "whatsapp", to = "16505550501", type = "template", template } }, Ct)).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync("v1/campaigns", new { phone_number_id = Number, category = "UTILITY", template, audience = new[] { new { to = "+16505550502" } } }, Ct)).EnsureSuccessStatusCode();

        var text = string.Empty;
        await Eventually.UntilAsync(async () =>
        {
            text = await Client.GetStringAsync(new Uri("metrics", UriKind.Relative), Ct);
            return text.Contains("wadispatch_webhooks_lag_seconds_count", StringComparison.Ordinal) && text.Contains("status=\"delivered\"", StringComparison.Ordinal) && text.Contains("wadispatch_campaign_sends_total{", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30));

        TestContext.Current.TestOutputHelper?.WriteLine(text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.Matches(Line(), line));
        var families = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(families.Count, families.Distinct().Count());
        Assert.Contains($"wadispatch_lane_upstream_answers_total{{code=\"0\",phone_number_id=\"{Number}\"}} ", text, StringComparison.Ordinal);
        foreach (var series in new[]
        {
            $"wadispatch_lane_queued{{phone_number_id=\"{Number}\"}}",
            $"wadispatch_lane_in_flight{{phone_number_id=\"{Number}\"}}",
            $"wadispatch_lane_paced_rate_per_second{{phone_number_id=\"{Number}\"}}",
            $"wadispatch_lane_state{{phone_number_id=\"{Number}\",state=\"running\"}} 1",
            $"wadispatch_budget_used{{business_id=\"{Number}\"}} 2",
            "wadispatch_messages_status_total{status=\"sent\"}",
            "wadispatch_messages_status_total{status=\"delivered\"}",
            "wadispatch_campaign_sends_total{",
            "wadispatch_webhooks_received_total{} ",
            "wadispatch_webhooks_lag_seconds_bucket{le=\"+Inf\"}",
            "orleans_catalog_activations{grain_type=\"phonenumber\"} ",
            "orleans_app_requests_latency_milliseconds_count{} ",
            "http_server_request_duration_seconds_bucket{",
            "http_client_request_duration_seconds_bucket{",
            "dotnet_gc_collections_total{",
            "dotnet_process_memory_working_set_bytes{} ",
            "wadispatch_storage_group_size_bucket{store=\"ledger\",le=\"1\"}",
            "wadispatch_storage_group_duration_seconds_sum{store=\"ledger\"}",
        })
        {
            Assert.Contains(series, text, StringComparison.Ordinal);
        }
    }

    /// <summary>One line of the text exposition format: a HELP or TYPE comment, or a sample.</summary>
    [GeneratedRegex("""^(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*)?\})? (-?[0-9.eE+-]+|[+-]Inf|NaN))$""")]
    private static partial Regex Line();
}
