using System.Text.Json;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.Grains.Lanes;
using WaDispatch.Storage;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Messages;

/// <summary>
/// The message ledger as the dispatcher uses it: typed status changes over <see cref="MessageLedgerStore"/>,
/// written by group commit so that recording every step of every message costs a transaction per group.
/// </summary>
public sealed class MessageLedger
{
    private readonly MessageLedgerStore _store;
    private readonly IOptionsMonitor<CallbackOptions> _callbacks;
    private readonly MessageEvents _events;
    private readonly DispatchMetrics _metrics;
    private readonly GroupCommit<LedgerWrite, LedgerWriteOutcome> _writes;
    private readonly RecentlySent _recentlySent = new();

    /// <summary>Creates the ledger over <paramref name="store"/>; status changes of messages with a callback URL queue callbacks kept for <see cref="CallbackOptions.RetryFor"/>.</summary>
    /// <param name="store">The tables.</param>
    /// <param name="callbacks">Callback settings.</param>
    /// <param name="events">Where applied status changes are told to live listeners.</param>
    /// <param name="metrics">Counts the applied changes by status.</param>
    public MessageLedger(MessageLedgerStore store, IOptionsMonitor<CallbackOptions> callbacks, MessageEvents events, DispatchMetrics metrics)
    {
        _metrics = metrics;
        _store = store;
        _callbacks = callbacks;
        _events = events;
        _writes = new GroupCommit<LedgerWrite, LedgerWriteOutcome>(writes => store.WriteAsync(writes), "ledger");
    }

    /// <summary>The store, for reads.</summary>
    internal MessageLedgerStore Store => _store;

    /// <summary>Writes <paramref name="write"/> with the next group; completes once committed.</summary>
    internal Task<LedgerWriteOutcome> WriteAsync(LedgerWrite write) => _writes.Add(write);

    /// <summary>Completes when everything written so far is committed (or failed).</summary>
    public Task FlushAsync() => _writes.FlushAsync();

    internal Task<LedgerWriteOutcome> SendingAsync(string id, DateTimeOffset at) =>
        WriteAsync(new AdvanceWrite(id, null, MessageStatuses.Sending, MessageStatuses.SendingRank, MessageStatuses.AcceptedRank, at));

    /// <summary>Meta accepted the message and named it <paramref name="wamid"/>: sent, remembered so that Meta's <c>sent</c> status for it needs no write.</summary>
    internal async Task<LedgerWriteOutcome> SentAsync(string id, string? wamid, DateTimeOffset at)
    {
        var outcome = await Told(WriteAsync(new AdvanceWrite(id, wamid, MessageStatuses.Sent, MessageStatuses.SentRank, MessageStatuses.SendingRank, at) { CallbackUntil = CallbackUntil(at) }), new MessageStatusEvent(id, MessageStatuses.Sent, at) { Wamid = wamid }).ConfigureAwait(false);
        if (outcome == LedgerWriteOutcome.Applied && wamid is not null)
        {
            _recentlySent.Add(wamid);
        }

        return outcome;
    }

    /// <summary>Ends a message not sent (failed, expired, skipped); <paramref name="releaseKey"/> when it never reached Meta and its caller may retry.</summary>
    internal Task<LedgerWriteOutcome> EndAsync(string id, string status, CloudApiError? error, DateTimeOffset at, bool releaseKey = false, string? reason = null) =>
        Told(WriteAsync(new AdvanceWrite(id, null, status, MessageStatuses.EndRank, MessageStatuses.SendingRank, at, error?.Code, Json(error)) { ReleaseIdempotencyKey = releaseKey, Reason = reason, CallbackUntil = CallbackUntil(at) }), new MessageStatusEvent(id, status, at, error?.Code));

    /// <summary>Back to accepted until <paramref name="retryAt"/>, in its class <paramref name="priority"/> when known (else the one it has).</summary>
    internal Task<LedgerWriteOutcome> DeferAsync(string id, DateTimeOffset retryAt, DateTimeOffset at, string reason, CloudApiError? error, SendPriority? priority) =>
        Told(WriteAsync(new DeferWrite(id, retryAt, at, reason, error?.Code, Json(error)) { CallbackUntil = CallbackUntil(at), Priority = (int?)priority }), new MessageStatusEvent(id, reason, at, error?.Code));

    /// <summary>
    /// A status Meta reported by webhook for <paramref name="wamid"/>: moves the message forward only
    /// (a <c>failed</c> only before it was delivered); returns <see cref="LedgerWriteOutcome.NotFound"/>
    /// when no message has that id (yet). A <c>sent</c> for a message this silo recorded as sent lately is
    /// <see cref="LedgerWriteOutcome.Unchanged"/> without a write: the ledger has it at <c>sent</c> or beyond, with its
    /// <c>sent</c> in its history (<see cref="RecentlySent"/>).
    /// </summary>
    public Task<LedgerWriteOutcome> ReportedAsync(string wamid, string status, DateTimeOffset at, CloudApiError? error = null)
    {
        if (status == MessageStatuses.Sent && _recentlySent.Contains(wamid))
        {
            return Task.FromResult(LedgerWriteOutcome.Unchanged);
        }

        var (rank, fromMax) = Ranks(status);
        return ToldByWamidAsync(WriteAsync(new AdvanceWrite(null, wamid, status, rank, fromMax, at, error?.Code, Json(error)) { CallbackUntil = CallbackUntil(at) }), wamid, status, at, error?.Code);
    }

    /// <summary>
    /// A status Meta reported for <paramref name="wamid"/> that no message has, for the message <paramref name="id"/> that
    /// Meta echoed in its callback data: records the wamid with it and moves it to <paramref name="status"/> — from
    /// accepted or sending (Meta's answer is not recorded yet), or from a failure whose outcome was unknown.
    /// </summary>
    public Task<LedgerWriteOutcome> ReconcileAsync(string id, string wamid, string status, DateTimeOffset at, CloudApiError? error = null)
    {
        var (rank, fromMax) = Ranks(status);
        return Told(WriteAsync(new ReconcileWrite(id, wamid, status, rank, fromMax, at, error?.Code, Json(error)) { CallbackUntil = CallbackUntil(at) }), new MessageStatusEvent(id, status, at, error?.Code) { Wamid = wamid });
    }

    /// <summary>A status Meta reports, its rank, and the highest rank it may move a message from (a <c>failed</c> only before delivery).</summary>
    private static (int Rank, int FromMax) Ranks(string status) => status switch
    {
        MessageStatuses.Sent => (MessageStatuses.SentRank, MessageStatuses.SendingRank),
        MessageStatuses.Delivered => (MessageStatuses.DeliveredRank, MessageStatuses.SentRank),
        MessageStatuses.Read => (MessageStatuses.ReadRank, MessageStatuses.DeliveredRank),
        MessageStatuses.Failed => (MessageStatuses.EndRank, MessageStatuses.SentRank),
        _ => throw new ArgumentException($"Meta reports sent, delivered, read or failed, not '{status}'.", nameof(status)),
    };

    /// <summary>Tells live listeners of <paramref name="change"/> once <paramref name="write"/> has applied it.</summary>
    private async Task<LedgerWriteOutcome> Told(Task<LedgerWriteOutcome> write, MessageStatusEvent change)
    {
        var outcome = await write.ConfigureAwait(false);
        if (outcome == LedgerWriteOutcome.Applied)
        {
            _metrics.Status(change.Status);
            if (_events.HasListeners)
            {
                _events.Publish(change);
            }
        }

        return outcome;
    }

    /// <summary>As <see cref="Told"/>, for a change found by <c>wamid</c>: the message id is read only while someone listens.</summary>
    private async Task<LedgerWriteOutcome> ToldByWamidAsync(Task<LedgerWriteOutcome> write, string wamid, string status, DateTimeOffset at, int? errorCode)
    {
        var outcome = await write.ConfigureAwait(false);
        if (outcome == LedgerWriteOutcome.Applied)
        {
            _metrics.Status(status);
        }

        if (outcome == LedgerWriteOutcome.Applied && _events.HasListeners && await _store.ReadByWamidAsync(wamid).ConfigureAwait(false) is { } message)
        {
            _events.Publish(new MessageStatusEvent(message.Id, status, at, errorCode) { Wamid = wamid, CampaignId = message.CampaignId });
        }

        return outcome;
    }

    /// <summary>Until when a callback about a change at <paramref name="at"/> is retried.</summary>
    private DateTimeOffset CallbackUntil(DateTimeOffset at) => at + _callbacks.CurrentValue.RetryFor;

    internal static string? Json(CloudApiError? error) => error is null ? null : JsonSerializer.Serialize(error, CloudApiJsonContext.Wire.CloudApiError);

    internal static CloudApiError? Error(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, CloudApiJsonContext.Wire.CloudApiError);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
