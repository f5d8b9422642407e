using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using WaDispatch.Grains.Lanes;

namespace WaDispatch.Grains;

/// <summary>
/// The dispatcher's instruments, on the <see cref="MeterName"/> meter: per phone number its upstream answers
/// (by code), inbound messages, queue depth, in-flight sends, paced rate and state; per business its
/// budget used; message status changes; campaign sends; webhook intake and lag. Gauges read values the
/// grains publish from their own turns, so a scrape never touches grain state.
/// </summary>
public sealed class DispatchMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "WaDispatch.Dispatch";

    private readonly ConcurrentDictionary<string, LaneGauges> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _budgets = new(StringComparer.Ordinal);
    private readonly Counter<long> _answers;
    private readonly Counter<long> _inbound;
    private readonly Counter<long> _statuses;
    private readonly Counter<long> _campaignSends;
    private readonly Counter<long> _webhooks;
    private readonly Histogram<double> _webhookLag;
    private readonly Histogram<double> _departureWait;
    private readonly ConcurrentDictionary<string, int> _subscriptions = new(StringComparer.Ordinal);
    private readonly Counter<long> _managementCalls;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public DispatchMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _answers = meter.CreateCounter<long>("wadispatch.lane.upstream.answers", "{answer}", "Answers from the Cloud API per phone number, by error code (0: accepted).");
        _inbound = meter.CreateCounter<long>("wadispatch.lane.inbound", "{message}", "Inbound messages per phone number (they count against its tier).");
        _statuses = meter.CreateCounter<long>("wadispatch.messages.status", "{change}", "Message status changes committed to the ledger, by status.");
        _campaignSends = meter.CreateCounter<long>("wadispatch.campaign.sends", "{message}", "Campaign messages done, by campaign and whether Meta accepted them.");
        _webhooks = meter.CreateCounter<long>("wadispatch.webhooks.received", "{delivery}", "Webhook deliveries stored.");
        _webhookLag = meter.CreateHistogram<double>("wadispatch.webhooks.lag", "s", "From a webhook delivery's arrival to the end of its processing.");
        _departureWait = meter.CreateHistogram<double>("wadispatch.lane.departure.wait", "s", "From a send's permit to its departure upstream (its `sending` mark and its place in the lane's departures), by priority.");
        _managementCalls = meter.CreateCounter<long>("wadispatch.waba.management_calls", "{call}", "WABA management calls (subscribed_apps) by WABA and outcome: ok, throttled, failed, or held (not made, to stay under Meta's limit).");
        meter.CreateObservableGauge("wadispatch.waba.subscribed", () => _subscriptions.Select(s => new Measurement<int>(s.Value, new KeyValuePair<string, object?>("waba_id", s.Key))), "{waba}", "1 when the app is subscribed to the WABA, 0 when it is not and its webhooks do not arrive.");
        meter.CreateObservableGauge("wadispatch.lane.queued", () => Lanes(g => g.Queued), "{message}", "Sends waiting in each phone number's lane (ready and held).");
        meter.CreateObservableGauge("wadispatch.lane.in_flight", () => Lanes(g => g.InFlight), "{message}", "Sends upstream now, per phone number.");
        meter.CreateObservableGauge("wadispatch.lane.paced_rate", () => Lanes(g => g.PacedMps), "{message}/s", "The rate each lane paces at now.");
        meter.CreateObservableGauge("wadispatch.lane.tier", () => Lanes(g => g.TierMps), "{message}/s", "Each phone number's throughput tier.");
        meter.CreateObservableGauge("wadispatch.lane.state", LaneStates, "{lane}", "1 for each phone number's current state (running, paused, stopped).");
        meter.CreateObservableGauge("wadispatch.budget.used", () => _budgets.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("business_id", b.Key))), "{recipient}", "Unique recipients counted in each business's moving 24 h.");
    }

    /// <summary>A phone number's lane as of its last turn.</summary>
    public void Lane(string phoneNumberId, long queued, long inFlight, double pacedMps, string state, int tierMps) =>
        _lanes[phoneNumberId] = new LaneGauges(queued, inFlight, pacedMps, state, tierMps);

    /// <summary>The lane of <paramref name="phoneNumberId"/> left memory.</summary>
    public void LaneGone(string phoneNumberId) => _lanes.TryRemove(phoneNumberId, out _);

    /// <summary>An answer from the Cloud API (<paramref name="code"/> 0 when accepted).</summary>
    public void Answer(string phoneNumberId, int code) =>
        _answers.Add(1, new KeyValuePair<string, object?>("phone_number_id", phoneNumberId), new KeyValuePair<string, object?>("code", code));

    /// <summary>Inbound messages on <paramref name="phoneNumberId"/>.</summary>
    public void Inbound(string phoneNumberId, int count) => _inbound.Add(count, new KeyValuePair<string, object?>("phone_number_id", phoneNumberId));

    /// <summary>A business's budget use.</summary>
    public void Budget(string businessId, long used) => _budgets[businessId] = used;

    /// <summary>A message reached <paramref name="status"/>.</summary>
    public void Status(string status) => _statuses.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>A campaign message is done.</summary>
    public void CampaignSend(string campaignId, bool sent) =>
        _campaignSends.Add(1, new KeyValuePair<string, object?>("campaign_id", campaignId), new KeyValuePair<string, object?>("outcome", sent ? "sent" : "not_sent"));

    /// <summary>The app's subscription on <paramref name="wabaId"/> as last told by Meta (null: not known).</summary>
    public void WabaSubscribed(string wabaId, bool? subscribed)
    {
        if (subscribed is { } known)
        {
            _subscriptions[wabaId] = known ? 1 : 0;
        }
        else
        {
            _subscriptions.TryRemove(wabaId, out _);
        }
    }

    /// <summary>A management call on <paramref name="wabaId"/> ended with <paramref name="outcome"/> (ok, throttled, failed, held).</summary>
    public void ManagementCall(string wabaId, string outcome) =>
        _managementCalls.Add(1, new KeyValuePair<string, object?>("waba_id", wabaId), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A webhook delivery was stored.</summary>
    public void WebhookReceived() => _webhooks.Add(1);

    /// <summary>A webhook delivery was processed <paramref name="lag"/> after it arrived.</summary>
    public void WebhookProcessed(TimeSpan lag) => _webhookLag.Record(lag.TotalSeconds);

    /// <summary>A send left for Meta <paramref name="wait"/> after its permit.</summary>
    public void Departed(SendPriority priority, TimeSpan wait) =>
        _departureWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("priority", priority switch
        {
            SendPriority.Reply => "reply",
            SendPriority.Transactional => "transactional",
            _ => "bulk",
        }));

    private IEnumerable<Measurement<double>> Lanes(Func<LaneGauges, double> value) =>
        _lanes.Select(l => new Measurement<double>(value(l.Value), new KeyValuePair<string, object?>("phone_number_id", l.Key)));

    private IEnumerable<Measurement<int>> LaneStates() =>
        _lanes.Select(l => new Measurement<int>(1, new KeyValuePair<string, object?>("phone_number_id", l.Key), new KeyValuePair<string, object?>("state", l.Value.State)));

    private sealed record LaneGauges(long Queued, long InFlight, double PacedMps, string State, int TierMps);
}
