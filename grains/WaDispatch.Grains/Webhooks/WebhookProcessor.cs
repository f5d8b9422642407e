using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Validation;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Wabas;
using WaDispatch.Storage;
using WaDispatch.Storage.Accounts;
using WaDispatch.Storage.Messages;
using WaDispatch.Storage.Webhooks;

namespace WaDispatch.Grains.Webhooks;

/// <summary>
/// Meta's webhook deliveries, from the durable inbox to the grains and the message ledger. A delivery is
/// stored (group commit) before Meta gets its 200, processed by a few workers in any order, and deleted
/// once processed; what a crash leaves in the inbox is processed at the next start. Every update is
/// idempotent and ordered by the events' own times, so retries, duplicates and reordering are harmless.
/// </summary>
public sealed partial class WebhookProcessor : IHostedService, IDisposable
{
    /// <summary>What Meta's automatic throughput upgrade gives a number today.</summary>
    private const int UpgradedThroughputMps = 1000;

    private const int Workers = 16;
    private const int RecoveryPage = 500;

    /// <summary>
    /// A status can outrun the ledger's record of its <c>wamid</c> (both follow Meta's answer). WaDispatch's own id in
    /// the callback data finds the message anyway; a status without it (a caller's value too long to wrap) is tried
    /// again after these delays, then dropped as a message WaDispatch did not send.
    /// </summary>
    private static readonly TimeSpan[] StatusRetries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    /// <summary>How often a delivery whose processing failed (storage, a grain) is tried again before it is left for the next start.</summary>
    private static readonly TimeSpan[] DeliveryRetries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    private readonly WebhookInboxStore _inbox;
    private readonly AccountEventStore _accountEvents;
    private readonly MessageLedger _ledger;
    private readonly IGrainFactory _grains;
    private readonly LaneRoutes _routes;
    private readonly CampaignService _campaigns;
    private readonly DispatchMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookProcessor> _logger;
    private readonly GroupCommit<WebhookDelivery, long> _stored;
    private readonly GroupCommit<long, bool> _deleted;
    private readonly Channel<StoredWebhook> _queue = Channel.CreateUnbounded<StoredWebhook>();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> _attempts = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _disposed;
    private readonly Lock _lock = new();
    private TaskCompletionSource _drained = Drained();
    private int _pending;
    private Task[] _workers = [];

    /// <summary>Creates the processor.</summary>
    public WebhookProcessor(WebhookInboxStore inbox, AccountEventStore accountEvents, MessageLedger ledger, IGrainFactory grains, LaneRoutes routes, CampaignService campaigns, DispatchMetrics metrics, TimeProvider time, ILogger<WebhookProcessor> logger)
    {
        _accountEvents = accountEvents;
        _metrics = metrics;
        _inbox = inbox;
        _ledger = ledger;
        _grains = grains;
        _routes = routes;
        _campaigns = campaigns;
        _time = time;
        _logger = logger;
        _stored = new GroupCommit<WebhookDelivery, long>(deliveries => inbox.AddAsync(deliveries), "webhook_inbox");
        _deleted = new GroupCommit<long, bool>(async ids =>
        {
            await inbox.DeleteAsync(ids).ConfigureAwait(false);
            return new bool[ids.Count];
        }, "webhook_inbox_delete");
        _drained.SetResult();
    }

    /// <summary>
    /// Takes <paramref name="body"/> durably; completes once it is. Statuses of messages the ledger knows (most
    /// deliveries: one <c>sent</c>, <c>delivered</c> or <c>read</c>) are applied to the ledger at once, which is
    /// as durable as the inbox and saves storing, applying and deleting each delivery in three transactions;
    /// anything else is stored in the inbox and queued for the workers.
    /// </summary>
    public async Task StoreAsync(byte[] body)
    {
        var received = _time.GetUtcNow();
        _metrics.WebhookReceived();
        if (await TryApplyStatusesAsync(body).ConfigureAwait(false))
        {
            _metrics.WebhookProcessed(_time.GetUtcNow() - received);
            return;
        }

        var delivery = new WebhookDelivery(received, body);
        var id = await _stored.Add(delivery).ConfigureAwait(false);
        Enqueue(new StoredWebhook(id, delivery));
    }

    /// <summary>
    /// Applies a delivery that holds only <c>sent</c>, <c>delivered</c> or <c>read</c> statuses, each of a message in
    /// the ledger; false, with nothing lost, for any other delivery or when a status finds no message (the inbox
    /// path waits for the record and tries again; applying twice is harmless).
    /// </summary>
    private async Task<bool> TryApplyStatusesAsync(byte[] body)
    {
        var statuses = new List<(string Wamid, string Status, DateTimeOffset At)>();
        try
        {
            var payload = JsonSerializer.Deserialize(body, CloudApiJsonContext.Wire.WebhookPayload);
            foreach (var change in payload?.Entry?.SelectMany(e => e?.Changes ?? []) ?? [])
            {
                if (change?.Field != WebhookFields.Messages || change.ReadMessages() is not { Metadata.PhoneNumberId.Length: > 0, Messages: null or { Count: 0 } } value)
                {
                    return false;
                }

                foreach (var status in value.Statuses ?? [])
                {
                    if (status is not { Id: { Length: > 0 } wamid, Status: MessageStatuses.Sent or MessageStatuses.Delivered or MessageStatuses.Read } || Time(status.Timestamp) is not { } at)
                    {
                        return false;
                    }

                    statuses.Add((wamid, status.Status, at));
                }
            }

            if (statuses.Count == 0)
            {
                return false;
            }

            foreach (var (wamid, status, at) in statuses)
            {
                var (known, traceParent) = await StatusTraceAsync(wamid, messageId: null).ConfigureAwait(false);
                using var activity = StartStatus(traceParent, wamid, status);
                if (await _ledger.ReportedAsync(wamid, status, at).ConfigureAwait(false) == LedgerWriteOutcome.NotFound)
                {
                    return false;
                }

                if (!known)
                {
                    // Meta's answer was recorded between the trace's read and the status's: the status joins the trace now.
                    using var late = StartStatus((await StatusTraceAsync(wamid, messageId: null).ConfigureAwait(false)).TraceParent, wamid, status);
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or System.Data.Common.DbException or InvalidOperationException)
        {
            // The inbox path reads it again and reports what it finds.
            return false;
        }
    }

    /// <summary>Completes when every delivery queued so far has been processed (status retries aside).</summary>
    public Task DrainAsync()
    {
        lock (_lock)
        {
            return _drained.Task;
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server listens: whatever the last run stored but did not finish goes first.
        var after = 0L;
        while (true)
        {
            var page = await _inbox.ReadAsync(after, RecoveryPage, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var stored in page)
            {
                Enqueue(stored);
            }

            after = page[^1].Id;
            WebhookLog.Recovered(_logger, page.Count);
        }

        _workers = [.. Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync, CancellationToken.None))];
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stored deliveries not yet processed stay in the inbox for the next start.
        _queue.Writer.TryComplete();
        if (_disposed)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_workers).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown time is up (or the silo is stopped abruptly): deliveries not yet applied stay in the
            // inbox for the next start, as above.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A host stopped after its container was disposed calls StopAsync late: it finds nothing to do.
        _disposed = true;
        _stopping.Dispose();
    }

    private void Enqueue(StoredWebhook stored)
    {
        lock (_lock)
        {
            if (_pending++ == 0)
            {
                _drained = Drained();
            }
        }

        if (!_queue.Writer.TryWrite(stored))
        {
            Done();
        }
    }

    private void Done()
    {
        TaskCompletionSource? drained = null;
        lock (_lock)
        {
            if (--_pending == 0)
            {
                drained = _drained;
            }
        }

        drained?.TrySetResult();
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var stored in _queue.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await ProcessAsync(stored.Delivery.Body).ConfigureAwait(false);
                    _metrics.WebhookProcessed(_time.GetUtcNow() - stored.Delivery.ReceivedAt);
                    _attempts.TryRemove(stored.Id, out _);
                    _ = _deleted.Add(stored.Id).ContinueWith(t => WebhookLog.NotDeleted(_logger, t.Exception!, stored.Id), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Still in the inbox: tried again shortly (applying is idempotent), and at the next start if all fail.
                    WebhookLog.ProcessingFailed(_logger, ex, stored.Id);
                    var attempt = _attempts.AddOrUpdate(stored.Id, 1, static (_, n) => n + 1);
                    if (attempt <= DeliveryRetries.Length)
                    {
                        _ = RetryDeliveryAsync(stored, DeliveryRetries[attempt - 1]);
                    }
                }
                finally
                {
                    Done();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RetryDeliveryAsync(StoredWebhook stored, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            Enqueue(stored);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the inbox keeps it for the next start.
        }
    }

    /// <summary>Applies one delivery; a change Meta shaped unexpectedly is skipped and the others still count.</summary>
    internal async Task ProcessAsync(byte[] body)
    {
        WebhookPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(body, CloudApiJsonContext.Wire.WebhookPayload);
        }
        catch (JsonException ex)
        {
            WebhookLog.ChangeSkipped(_logger, null, ex.Message);
            return;
        }

        foreach (var (entry, change) in payload?.Entry?.Where(e => e is not null).SelectMany(e => (e.Changes ?? []).Select(c => (e, c))) ?? [])
        {
            try
            {
                if (AccountEvents.Understands(change?.Field) && entry.Id is { Length: > 0 } account)
                {
                    await AccountEventAsync(account, change!, Time(entry.Time) ?? _time.GetUtcNow()).ConfigureAwait(false);
                }

                switch (change?.Field)
                {
                    case WebhookFields.MessageTemplateStatusUpdate when change.ReadMessageTemplateStatusUpdate() is { MessageTemplateName.Length: > 0, MessageTemplateLanguage.Length: > 0, Event.Length: > 0 } update
                        && entry.Id is { Length: > 0 } waba && Time(entry.Time) is { } at && TemplateStatusOf(update.Event) is { } status:
                        await _grains.Reference<ITemplateCatalogGrain>(waba).ApplyStatusAsync(update.MessageTemplateName, update.MessageTemplateLanguage, status, at).ConfigureAwait(false);
                        if (status is "PAUSED" or "DISABLED" or "PENDING_DELETION")
                        {
                            // Every campaign on it would fail message by message: pause them, with the reason shown.
                            await _campaigns.PauseForTemplateAsync(waba, update.MessageTemplateName, update.MessageTemplateLanguage, status).ConfigureAwait(false);
                        }

                        break;
                    case WebhookFields.PhoneNumberQualityUpdate when change.ReadPhoneNumberQualityUpdate() is { DisplayPhoneNumber: { Length: > 0 } display } update:
                        await QualityUpdateAsync(display, update).ConfigureAwait(false);
                        break;
                    case WebhookFields.TemplateCategoryUpdate when change.ReadTemplateCategoryUpdate() is { MessageTemplateName.Length: > 0, MessageTemplateLanguage.Length: > 0, NewCategory.Length: > 0 } update
                        && entry.Id is { Length: > 0 } waba && Time(entry.Time) is { } at:
                        await _grains.Reference<ITemplateCatalogGrain>(waba).ApplyCategoryAsync(update.MessageTemplateName, update.MessageTemplateLanguage, update.NewCategory, at).ConfigureAwait(false);
                        break;
                    case WebhookFields.BusinessCapabilityUpdate when change.ReadBusinessCapabilityUpdate() is { } update && entry.Id is { Length: > 0 } waba:
                        await CapabilityUpdateAsync(waba, update).ConfigureAwait(false);
                        break;
                    case WebhookFields.Messages when change.ReadMessages() is { Metadata.PhoneNumberId: { Length: > 0 } number } value:
                        await MessagesAsync(number, value).ConfigureAwait(false);
                        break;
                    case WebhookFields.UserPreferences when change.ReadUserPreferences() is { Metadata.PhoneNumberId: { Length: > 0 } number } value:
                        await PreferencesAsync(number, value).ConfigureAwait(false);
                        break;
                }
            }
            catch (JsonException ex)
            {
                // One change Meta shaped unexpectedly must not make Meta retry the whole delivery for a week.
                WebhookLog.ChangeSkipped(_logger, change?.Field, ex.Message);
            }
        }
    }

    /// <summary>
    /// An account change of <paramref name="wabaId"/>: kept in the ledger of account events (once, however often Meta
    /// delivers it), then applied to the WABA, which may stop or resume its lanes. Applying is idempotent, so a retry
    /// after a failure part-way applies it again.
    /// </summary>
    private async Task AccountEventAsync(string wabaId, WebhookChange change, DateTimeOffset at)
    {
        var value = change.Value.ValueKind == JsonValueKind.Undefined ? "null" : change.Value.GetRawText();
        await _accountEvents.AddAsync(new AccountEventRecord(wabaId, change.Field!, at, _time.GetUtcNow(), value)).ConfigureAwait(false);
        await _grains.Reference<IWabaGrain>(wabaId).ApplyAccountEventAsync(change.Field!, value, at).ConfigureAwait(false);
    }

    private async Task MessagesAsync(string phoneNumberId, MessagesValue value)
    {
        if (value.Messages is { Count: > 0 } messages)
        {
            var lane = _grains.Reference<IPhoneNumberGrain>(phoneNumberId);
            await lane.RecordInboundAsync(messages.Count).ConfigureAwait(false);
            // Fresh, not kept: an opt-out it finds is stored with the recipient.
            var keywords = await _grains.Reference<IBusinessGrain>((await _routes.GetFreshAsync(phoneNumberId).ConfigureAwait(false)).BusinessId).GetKeywordPolicyAsync().ConfigureAwait(false);
            foreach (var message in messages.Where(m => m is not null))
            {
                if (message is { Id: { } id } && WaId(message.From) is { } from && Time(message.Timestamp) is { } sentAt)
                {
                    var recipient = _grains.Reference<IRecipientGrain>(RecipientKey.Of(phoneNumberId, from));
                    await recipient.RecordInboundAsync(new UserMessage(id, sentAt, message.Text?.Body), keywords).ConfigureAwait(false);
                }
            }
        }

        foreach (var status in (value.Statuses ?? []).Where(s => s is not null))
        {
            if (Time(status.Timestamp) is not { } at || status is not { Id: { Length: > 0 } wamid, Status: MessageStatuses.Sent or MessageStatuses.Delivered or MessageStatuses.Read or MessageStatuses.Failed })
            {
                continue;
            }

            var error = status.Errors is [{ } first, ..]
                ? CloudApiError.Create(first.Code, first.Title ?? first.Message ?? "Failed", first.ErrorData?.Details ?? first.Message ?? string.Empty)
                : null;
            var reported = new ReportedStatus(phoneNumberId, wamid, status.Status, at, error, WaId(status.RecipientId), CallbackData.MessageIdOf(status.BizOpaqueCallbackData));
            if (await ApplyAsync(reported).ConfigureAwait(false) == LedgerWriteOutcome.NotFound)
            {
                _ = RetryStatusAsync(reported);
            }
        }
    }

    /// <summary>
    /// Applies a status to its message: by Meta's id, else by WaDispatch's own id echoed in its callback data. A
    /// failure that applied tells the recipient (131026 marks them undeliverable); one that did not apply — a
    /// <c>failed</c> after <c>delivered</c> or <c>read</c>, a replay — changes nothing anywhere.
    /// </summary>
    private async Task<LedgerWriteOutcome> ApplyAsync(ReportedStatus status)
    {
        using var activity = StartStatus((await StatusTraceAsync(status.Wamid, status.MessageId).ConfigureAwait(false)).TraceParent, status.Wamid, status.Status);
        var outcome = await _ledger.ReportedAsync(status.Wamid, status.Status, status.At, status.Error).ConfigureAwait(false);
        if (outcome == LedgerWriteOutcome.NotFound && status.MessageId is { } id)
        {
            outcome = await _ledger.ReconcileAsync(id, status.Wamid, status.Status, status.At, status.Error).ConfigureAwait(false);
            if (outcome == LedgerWriteOutcome.Applied)
            {
                WebhookLog.Reconciled(_logger, id, status.Wamid, status.Status);
            }
        }

        if (outcome == LedgerWriteOutcome.Applied && status is { Status: MessageStatuses.Failed, Error: { } error, WaId: { } waId })
        {
            await _grains.Reference<IRecipientGrain>(RecipientKey.Of(status.PhoneNumberId, waId)).RecordOutcomeAsync(error.Code, status.At).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// The trace a status joins: its message's, kept in the ledger (an indexed read by Meta's id, else — when the ledger
    /// does not know that id yet — by WaDispatch's own id from the callback data), read only while tracing is on.
    /// Known: whether the ledger knows the message by Meta's id (true, too, when nothing was read). The trace is null
    /// when nothing traces, the message has no trace, or the read failed (a status is never held up by its trace).
    /// </summary>
    private async Task<(bool Known, string? TraceParent)> StatusTraceAsync(string wamid, string? messageId)
    {
        if (!DispatchTracing.Webhooks.HasListeners())
        {
            return (true, null);
        }

        try
        {
            var (found, traceParent) = await _ledger.Store.TraceParentByWamidAsync(wamid).ConfigureAwait(false);
            return found || messageId is null ? (found, traceParent) : (false, (await _ledger.Store.ReadAsync(messageId).ConfigureAwait(false))?.TraceParent);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            WebhookLog.TraceNotRead(_logger, ex, wamid);
            return (true, null);
        }
    }

    /// <summary>A status's span in its message's trace, linked to the delivery that brought it; null without a trace.</summary>
    private static Activity? StartStatus(string? traceParent, string wamid, string status)
    {
        if (traceParent is null)
        {
            return null;
        }

        ActivityLink[]? links = Activity.Current is { } delivery ? [new ActivityLink(delivery.Context)] : null;
        var activity = DispatchTracing.Webhooks.StartActivity("wadispatch.webhook.status", ActivityKind.Consumer, DispatchTracing.ParentOf(traceParent), links: links);
        activity?.SetTag("wadispatch.wamid", wamid);
        activity?.SetTag("wadispatch.status", status);
        return activity;
    }

    private async Task RetryStatusAsync(ReportedStatus status)
    {
        try
        {
            foreach (var delay in StatusRetries)
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);

                if (await ApplyAsync(status).ConfigureAwait(false) != LedgerWriteOutcome.NotFound)
                {
                    return;
                }
            }

            WebhookLog.StatusForUnknownMessage(_logger, status.Wamid, status.Status);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            WebhookLog.StatusNotRecorded(_logger, ex, status.Wamid, status.Status);
        }
    }

    /// <summary>A status from a webhook, with what finds its message (Meta's id, else WaDispatch's) and its recipient.</summary>
    private sealed record ReportedStatus(string PhoneNumberId, string Wamid, string Status, DateTimeOffset At, CloudApiError? Error, string? WaId, string? MessageId);

    /// <summary>
    /// A throughput upgrade raises the number's lane to 1,000 mps; a new messaging limit becomes its
    /// business's tier (a throughput upgrade is granted only to unlimited businesses, and says so). The number is
    /// found by its display number, as configured with the lane.
    /// </summary>
    private async Task QualityUpdateAsync(string displayPhoneNumber, PhoneNumberQualityUpdateValue update)
    {
        if (PhoneNumbers.Digits(displayPhoneNumber) is not { Length: > 0 } digits
            || await _grains.Reference<IPhoneNumberDirectoryGrain>(digits).GetAsync().ConfigureAwait(false) is not { } phoneNumberId)
        {
            return;
        }

        var lane = _grains.Reference<IPhoneNumberGrain>(phoneNumberId);
        if (string.Equals(update.Event, "THROUGHPUT_UPGRADE", StringComparison.OrdinalIgnoreCase))
        {
            await lane.SetThroughputAsync(UpgradedThroughputMps).ConfigureAwait(false);
        }

        // Today's payload names the business's tier in max_daily_conversations_per_business; current_limit (and the
        // per-number max_daily_conversation_per_phone) are the older vocabulary, read when the newer field is absent.
        if (TierOf(update.MaxDailyConversationsPerBusiness ?? update.CurrentLimit ?? update.MaxDailyConversationPerPhone) is { } tier)
        {
            // Fresh, not kept: the tier is stored with the business.
            await _grains.Reference<IBusinessGrain>((await _routes.GetFreshAsync(phoneNumberId).ConfigureAwait(false)).BusinessId).SetTierAsync(tier).ConfigureAwait(false);
        }
    }

    /// <summary>A new messaging limit for the business behind <paramref name="wabaId"/>, found through a number configured with that WABA.</summary>
    private async Task CapabilityUpdateAsync(string wabaId, BusinessCapabilityUpdateValue update)
    {
        if (TierOf(update.MaxDailyConversationsPerBusiness ?? update.MaxDailyConversationPerPhone) is not { } tier
            || await _grains.Reference<IPhoneNumberDirectoryGrain>(IPhoneNumberDirectoryGrain.WabaKey(wabaId)).GetAsync().ConfigureAwait(false) is not { } phoneNumberId)
        {
            return;
        }

        var route = await _routes.GetFreshAsync(phoneNumberId).ConfigureAwait(false);
        await _grains.Reference<IBusinessGrain>(route.BusinessId).SetTierAsync(tier).ConfigureAwait(false);
    }

    /// <summary>A limit as Meta states it: a tier name (<c>TIER_2K</c>), a number of recipients, or unlimited (<c>-1</c>).</summary>
    private static MessagingLimitTier? TierOf(string? limit) =>
        MessagingLimitTiers.TryParse(limit, out var named) ? named
        : limit?.Trim().ToUpperInvariant() switch
        {
            "50" => MessagingLimitTier.Tier50,
            "250" => MessagingLimitTier.Tier250,
            "1000" => MessagingLimitTier.Tier1K,
            "2000" => MessagingLimitTier.Tier2K,
            "10000" => MessagingLimitTier.Tier10K,
            "100000" => MessagingLimitTier.Tier100K,
            "-1" or "UNLIMITED" => MessagingLimitTier.Unlimited,
            _ => null,
        };

    private async Task PreferencesAsync(string phoneNumberId, UserPreferencesValue value)
    {
        foreach (var preference in (value.UserPreferences ?? []).Where(p => p is not null))
        {
            if (preference is { Category: "marketing_messages", Value: "stop" or "resume" } && WaId(preference.WaId) is { } waId && Time(preference.Timestamp) is { } at)
            {
                await _grains.Reference<IRecipientGrain>(RecipientKey.Of(phoneNumberId, waId)).RecordMarketingPreferenceAsync(preference.Value == "stop", at).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The status a template event leaves: <c>REINSTATED</c> is approved again; <c>FLAGGED</c> warns of a
    /// coming pause and changes nothing yet; other events name the status.
    /// </summary>
    private static string? TemplateStatusOf(string templateEvent) => templateEvent.ToUpperInvariant() switch
    {
        "REINSTATED" => "APPROVED",
        "FLAGGED" => null,
        var other => other,
    };

    /// <summary>A user's WhatsApp id as the dispatcher keys recipients (digits only), or null when it is not one.</summary>
    private static string? WaId(string? raw) => raw is not null && PhoneNumbers.Digits(raw) is { Length: >= 5 and <= 20 } digits ? digits : null;

    /// <summary>Meta's timestamps are Unix seconds as strings.</summary>
    private static DateTimeOffset? Time(string? unixSeconds) =>
        long.TryParse(unixSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static TaskCompletionSource Drained() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
