using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Validation;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Runtime;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Messages;

/// <summary>
/// Accepts messages durably and sees each through to its end: a message is in the ledger before anyone is
/// told it was accepted, is marked <c>sending</c> durably just before its request leaves for Meta, and
/// records how it ended. After a restart, accepted messages are dispatched again and messages caught
/// <c>sending</c> are failed as outcome unknown: never lost, never sent twice.
/// </summary>
public sealed partial class MessageService : IHostedService, IDisposable
{
    /// <summary>How a message came in: queued (202, sent in the background) or direct (the caller waits for Meta's answer).</summary>
    private const string Queued = "async";
    private const string Direct = "sync";
    private const string FromCampaign = "campaign";
    private const int MaxPhoneNumberIdLength = 64;
    private const int RecoveryPage = 500;

    /// <summary>Refusals that pass with time: a queued message waits for them within its expiry.</summary>
    private static readonly HashSet<int> Passing = [ErrorCodes.MessagingLimitReached, ErrorCodes.ServiceUnavailable, ErrorCodes.MarketingCapReached];

    /// <summary>A paused or disabled template pauses its campaign: the campaign's message waits instead of failing.</summary>
    private static readonly HashSet<int> TemplateHeld = [ErrorCodes.TemplatePaused, ErrorCodes.TemplateDisabled];

    private readonly MessageLedger _ledger;
    private readonly MessageDispatcher _dispatcher;
    private readonly IGrainFactory _grains;
    private readonly IOptionsMonitor<MessageOptions> _options;
    private readonly IOptionsMonitor<CallbackOptions> _callbacks;
    private readonly TimeProvider _time;
    private readonly ILogger<MessageService> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _disposed;
    private readonly ConcurrentDictionary<string, Task<DirectSendResult>> _direct = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<LedgerWriteOutcome>> _recordingSent = new(StringComparer.Ordinal);
    private readonly Lock _idLock = new();
    private UInt128 _lastId;
    private string _recoverBefore = string.Empty;
    private Task _recovery = Task.CompletedTask;

    /// <summary>Creates the service.</summary>
    public MessageService(MessageLedger ledger, MessageDispatcher dispatcher, IGrainFactory grains, IOptionsMonitor<MessageOptions> options, IOptionsMonitor<CallbackOptions> callbacks, TimeProvider time, ILogger<MessageService> logger)
    {
        _callbacks = callbacks;
        _ledger = ledger;
        _dispatcher = dispatcher;
        _grains = grains;
        _options = options;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(options.CurrentValue.MaxDispatching);
    }

    /// <summary>Completes when the messages left open by the previous run have been taken up again.</summary>
    public Task Recovery => _recovery;

    /// <summary>
    /// Accepts <paramref name="submission"/> durably and sends it in the background. Returns the accepted
    /// message (status <c>accepted</c>), the message first accepted under its idempotency key, or why it
    /// was refused (nothing accepted).
    /// </summary>
    public async Task<AcceptResult> AcceptAsync(MessageSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var (record, refused) = Prepare(submission, Queued);
        if (refused is not null)
        {
            return new AcceptResult(null, false, refused);
        }

        // Not cancellable: once written, the message is accepted, and its dispatch must start whoever still waits.
        if (await _ledger.WriteAsync(new AcceptWrite(record!)).ConfigureAwait(false) == LedgerWriteOutcome.Applied)
        {
            _ = RunAsync(record!, submission.Message, notBefore: null);
            cancellationToken.ThrowIfCancellationRequested();
            return new AcceptResult(View(record!), false, null);
        }

        var (first, conflict) = await ReplayAsync(record!, cancellationToken).ConfigureAwait(false);
        return conflict is not null ? new AcceptResult(null, false, conflict) : new AcceptResult(View(first!), true, null);
    }

    /// <summary>
    /// Sends <paramref name="submission"/> and waits for Meta's answer, at most
    /// <see cref="MessageOptions.MaxPermitWait"/> for the lane's permit (then 130429 with a retry time).
    /// The message is in the ledger first, like any other; a repeated idempotency key returns the first answer.
    /// </summary>
    public async Task<DirectSendResult> SendAsync(MessageSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var (record, refused) = Prepare(submission, Direct);
        if (refused is not null)
        {
            return new DirectSendResult(null, null, refused);
        }

        if (await _ledger.WriteAsync(new AcceptWrite(record!)).ConfigureAwait(false) == LedgerWriteOutcome.Applied)
        {
            var sending = DispatchAsync(record!, submission.Message, direct: true);
            _direct[record!.Id] = sending;
            _ = sending.ContinueWith(_ => _direct.TryRemove(record.Id, out Task<DirectSendResult>? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return await sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var (first, conflict) = await ReplayAsync(record!, cancellationToken).ConfigureAwait(false);
        if (conflict is not null)
        {
            return new DirectSendResult(null, null, conflict);
        }

        if (_direct.TryGetValue(first!.Id, out var running))
        {
            return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return first.Wamid is { } wamid
            ? new DirectSendResult(first.Id, Response(first.WaId, submission.Message.To!, wamid), null)
            : new DirectSendResult(first.Id, null, MessageLedger.Error(first.Error) ?? CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", $"Message {first.Id} is {first.Status}."));
    }

    /// <summary>
    /// Sends one campaign message: accepted into the ledger under the key <c>campaign:{id}:{seq}</c>, so that
    /// a recipient is sent to once however often the campaign is resumed or restarted. Completes when the
    /// message is done — ended, or durably waiting in the ledger for a limit to pass — with its result; with
    /// null when the ledger already had it (an earlier run took it; the recovery settles it if open).
    /// </summary>
    public async Task<DirectSendResult?> SendCampaignMessageAsync(CampaignMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = _time.GetUtcNow();
        var record = new LedgerMessage(
            NewId(now),
            $"campaign:{message.CampaignId}:{message.Seq}",
            message.PhoneNumberId,
            PhoneNumbers.Digits(message.Message.To!),
            message.CampaignId,
            FromCampaign,
            JsonSerializer.Serialize(message.Message, CloudApiJsonContext.Wire.SendMessageRequest),
            MessageStatuses.Accepted,
            null,
            null,
            null,
            now,
            message.ExpiresAt,
            now,
            message.CallbackUrl);
        if (await _ledger.WriteAsync(new AcceptWrite(record)).ConfigureAwait(false) != LedgerWriteOutcome.Applied)
        {
            return null;
        }

        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            return await DispatchAsync(record, message.Message, direct: false, message.Category, message.Priority).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// While the ledger is still recording that Meta accepted the message with <paramref name="wamid"/>: that
    /// write, so that a status webhook which outran it can wait for it. Null otherwise.
    /// </summary>
    public Task? RecordingSent(string wamid) => _recordingSent.TryGetValue(wamid, out var write) ? write : null;

    /// <summary>The message with id <paramref name="id"/> and its history, or null.</summary>
    public async Task<MessageView?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await _ledger.Store.ReadAsync(id, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }

        // In the order a message lives them: Meta's times have whole seconds and may sort before WaDispatch's own.
        var events = await _ledger.Store.ReadEventsAsync(id, cancellationToken).ConfigureAwait(false);
        return View(record) with
        {
            History = [.. events.OrderBy(e => MessageStatuses.Order(e.Status)).ThenBy(e => e.At).Select(e => new MessageEvent(e.Status, e.At, e.ErrorCode))],
        };
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Ids are time-ordered: everything below this one was accepted by an earlier run.
        _recoverBefore = NewId(_time.GetUtcNow());
        _recovery = Task.Run(() => RecoverAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Messages waiting for a slot or a retry time stay accepted in the ledger: the next start takes them up.
        if (_disposed)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _ledger.FlushAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.FlushFailed(_logger, ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A host stopped after its container was disposed calls StopAsync late: it finds nothing to do.
        _disposed = true;
        _stopping.Dispose();
        _slots.Dispose();
    }

    private (LedgerMessage? Record, CloudApiError? Refused) Prepare(MessageSubmission submission, string mode)
    {
        if (string.IsNullOrWhiteSpace(submission.PhoneNumberId) || submission.PhoneNumberId.Length > MaxPhoneNumberIdLength)
        {
            return (null, Invalid($"phone_number_id must be 1 to {MaxPhoneNumberIdLength} characters."));
        }

        if (SendMessageValidator.Validate(submission.Message) is { } invalid)
        {
            return (null, invalid);
        }

        if (CallbackUrls.Check(submission.CallbackUrl, "callback_url", _callbacks.CurrentValue) is { } badCallback)
        {
            return (null, Invalid(badCallback));
        }

        var options = _options.CurrentValue;
        var now = _time.GetUtcNow();
        var expiresAt = submission.ExpiresAt ?? now + options.DefaultExpiry;
        if (expiresAt <= now)
        {
            return (null, Invalid($"expires_at ({Format(expiresAt)}) is not in the future."));
        }

        if (expiresAt > now + options.MaxExpiry)
        {
            return (null, Invalid($"expires_at ({Format(expiresAt)}) is more than {options.MaxExpiry.TotalDays:0.##} days ahead (Messages:MaxExpiry)."));
        }

        var request = JsonSerializer.Serialize(submission.Message, CloudApiJsonContext.Wire.SendMessageRequest);
        var record = new LedgerMessage(
            NewId(now),
            submission.IdempotencyKey,
            submission.PhoneNumberId,
            PhoneNumbers.Digits(submission.Message.To!),
            null,
            mode,
            request,
            MessageStatuses.Accepted,
            null,
            null,
            null,
            now,
            expiresAt,
            now,
            submission.CallbackUrl);
        return (record, null);
    }

    /// <summary>The message first accepted under <paramref name="record"/>'s key, or why this request may not reuse the key.</summary>
    private async Task<(LedgerMessage? First, CloudApiError? Conflict)> ReplayAsync(LedgerMessage record, CancellationToken cancellationToken)
    {
        var first = record.IdempotencyKey is { } key ? await _ledger.Store.ReadByIdempotencyKeyAsync(key, cancellationToken).ConfigureAwait(false) : null;
        if (first is null)
        {
            // Same id (cannot happen with fresh ids) or a key given back meanwhile: ask the caller to retry.
            return (null, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "The message could not be accepted; nothing was sent. Retry the request."));
        }

        if (!string.Equals(first.Request, record.Request, StringComparison.Ordinal) || !string.Equals(first.PhoneNumberId, record.PhoneNumberId, StringComparison.Ordinal) || !string.Equals(first.Mode, record.Mode, StringComparison.Ordinal) || !string.Equals(first.CallbackUrl, record.CallbackUrl, StringComparison.Ordinal))
        {
            return (null, Invalid($"The Idempotency-Key was already used for a different request (message {first.Id}); use a new key for a new message."));
        }

        return (first, null);
    }

    private async Task RunAsync(LedgerMessage record, SendMessageRequest message, DateTimeOffset? notBefore)
    {
        try
        {
            if (notBefore is { } at && at > _time.GetUtcNow())
            {
                await Task.Delay(at - _time.GetUtcNow(), _time, _stopping.Token).ConfigureAwait(false);
            }

            await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (record.CampaignId is null)
            {
                await DispatchAsync(record, message, direct: false).ConfigureAwait(false);
            }
            else
            {
                await DispatchForCampaignAsync(record, message).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log.DispatchFailed(_logger, ex, record.Id);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// A campaign message taken up again (after a deferral, a lane's hand-back or a restart) follows its campaign:
    /// not sent once the campaign is cancelled or over, held while it is paused, and sent with its category and priority.
    /// </summary>
    private async Task DispatchForCampaignAsync(LedgerMessage record, SendMessageRequest message)
    {
        var campaign = await _grains.GetGrain<ICampaignGrain>(record.CampaignId!).GetAsync().ConfigureAwait(false);
        switch (campaign)
        {
            case null or { Status: CampaignStatus.Cancelled or CampaignStatus.Completed or CampaignStatus.Expired }:
                await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Skipped, null, _time.GetUtcNow(), reason: "cancelled")).ConfigureAwait(false);
                return;
            case { Status: CampaignStatus.Paused }:
                await RequeueAsync(record, message, MessageStatuses.Deferred, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Campaign paused", $"Campaign {record.CampaignId} is paused: {campaign.PauseReason}")).ConfigureAwait(false);
                return;
        }

        var (category, priority) = CampaignRunner.SendClassOf(campaign);
        await DispatchAsync(record, message, direct: false, category, priority).ConfigureAwait(false);
    }

    /// <summary>Takes one accepted message through the dispatcher and records how it ended.</summary>
    private async Task<DirectSendResult> DispatchAsync(LedgerMessage record, SendMessageRequest message, bool direct, MessageCategory? knownCategory = null, SendPriority? priority = null)
    {
        var options = _options.CurrentValue;
        var id = record.Id;
        var start = _time.GetUtcNow();
        var permitDeadline = start + options.MaxPermitWait;
        var expiresAt = direct && permitDeadline < record.ExpiresAt ? permitDeadline : record.ExpiresAt;

        // Until the catalog says otherwise, a template counts as marketing: its opt-outs are honoured.
        var category = knownCategory ?? (string.Equals(message.Type, MessageTypes.Template, StringComparison.Ordinal) ? MessageCategory.Marketing : MessageCategory.Service);
        var campaign = record.CampaignId;
        var marked = false;
        Task<LedgerWriteOutcome>? sentWrite = null;
        // WaDispatch's id travels with the message to Meta and back in its status webhooks (CallbackData).
        var request = new DispatchRequest(id, record.PhoneNumberId, CallbackData.Wrap(id, message), category, campaign is null ? SendOrigin.Direct : SendOrigin.Campaign, expiresAt)
        {
            Departing = async () => marked = await DepartingAsync(id, marked).ConfigureAwait(false),
            Answered = outcome => sentWrite = outcome.Status == SendStatus.Sent ? RecordSent(id, outcome) : null,
            Flow = campaign,
            Priority = priority,
        };

        DispatchResult result;
        try
        {
            result = await _dispatcher.SendAsync(request).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // It never reached the lane (the runtime is stopping, a grain is overloaded).
            Log.DispatchFailed(_logger, ex, id);
            var unavailable = CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch could not take the message to its lane; it was not sent.");
            return direct
                ? await EndAsync(record, MessageStatuses.Failed, unavailable, releaseKey: true).ConfigureAwait(false)
                : await RequeueAsync(record, message, MessageStatuses.Requeued, unavailable).ConfigureAwait(false);
        }

        switch (result.Status)
        {
            case DispatchStatus.Sent:
                await RecordAsync(id, sentWrite ?? RecordSent(id, result.Outcome!)).ConfigureAwait(false);
                return new DirectSendResult(id, result.Outcome!.Response, null) { UpstreamTime = result.Outcome.UpstreamTime };
            case DispatchStatus.Failed:
                return await EndAsync(record, MessageStatuses.Failed, result.Error, releaseKey: false).ConfigureAwait(false);
            case DispatchStatus.Skipped:
                await RecordAsync(id, _ledger.EndAsync(id, MessageStatuses.Skipped, result.Error, _time.GetUtcNow(), reason: result.SkipReason)).ConfigureAwait(false);
                return new DirectSendResult(id, null, result.Error);
            case DispatchStatus.Refused when campaign is not null && TemplateHeld.Contains(result.Error?.Code ?? 0):
                return await RequeueAsync(record, message, MessageStatuses.Deferred, result.Error!).ConfigureAwait(false);
            case DispatchStatus.Refused or DispatchStatus.Deferred when !direct && result.RetryAt is { } retryAt && retryAt < record.ExpiresAt
                && (result.Status == DispatchStatus.Deferred || Passing.Contains(result.Error?.Code ?? 0)):
                await RecordAsync(id, _ledger.DeferAsync(id, retryAt, _time.GetUtcNow(), MessageStatuses.Deferred, result.Error)).ConfigureAwait(false);
                _ = RunAsync(record, message, retryAt);
                return new DirectSendResult(id, null, result.Error, retryAt - _time.GetUtcNow());
            case DispatchStatus.Deferred or DispatchStatus.Refused when !direct && result.RetryAt >= record.ExpiresAt
                && (result.Status == DispatchStatus.Deferred || Passing.Contains(result.Error?.Code ?? 0)):
                // It would have to wait past its expiry: it ends now, with what held it back.
                return await EndAsync(record, MessageStatuses.Expired, result.Error, releaseKey: false).ConfigureAwait(false);
            case DispatchStatus.Refused or DispatchStatus.Deferred:
                return await EndAsync(record, MessageStatuses.Failed, result.Error, releaseKey: direct, result.RetryAt).ConfigureAwait(false);
            case DispatchStatus.Expired when direct && record.ExpiresAt > permitDeadline && result.Error is { Code: not ErrorCodes.RateLimitHit } held:
                // Not the number's pace: the user's pair rate, or upstream (unreachable, failing) kept it back until the
                // permit wait ran out. Say that, with when it may pass.
                await RecordAsync(id, _ledger.EndAsync(id, MessageStatuses.Expired, held, _time.GetUtcNow(), releaseKey: true)).ConfigureAwait(false);
                return new DirectSendResult(id, null, held, result.RetryAt is { } passesAt && passesAt > _time.GetUtcNow() ? passesAt - _time.GetUtcNow() : null);
            case DispatchStatus.Expired when direct && record.ExpiresAt > permitDeadline:
                var retryAfter = await RetryAfterAsync(record.PhoneNumberId).ConfigureAwait(false);
                var throttled = CloudApiError.Create(
                    ErrorCodes.RateLimitHit,
                    "Rate limit hit",
                    $"No send permit on phone number {record.PhoneNumberId} within {options.MaxPermitWait.TotalSeconds:0.###} s (Messages:MaxPermitWait): its lane is at its throughput tier. Retry after {retryAfter.TotalSeconds:0} s.");
                await RecordAsync(id, _ledger.EndAsync(id, MessageStatuses.Expired, throttled, _time.GetUtcNow(), releaseKey: true)).ConfigureAwait(false);
                return new DirectSendResult(id, null, throttled, retryAfter);
            case DispatchStatus.Expired:
                var expired = result.Error ?? CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Message expired", $"The message could not be sent before it expired at {Format(record.ExpiresAt)}.");
                return await EndAsync(record, MessageStatuses.Expired, expired, releaseKey: direct).ConfigureAwait(false);
            default:
                // Abandoned: its lane stopped or shut down before it reached Meta.
                var abandoned = result.Error ?? CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "The lane stopped before the message was sent.");
                return direct
                    ? await EndAsync(record, MessageStatuses.Failed, abandoned, releaseKey: true).ConfigureAwait(false)
                    : await RequeueAsync(record, message, MessageStatuses.Requeued, abandoned).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records that the message is leaving. The first departure of a dispatch must be the one that marks the
    /// row: a row already marked belongs to another dispatch (or ended), and sending it would send it twice.
    /// A retry of the same dispatch finds its own mark.
    /// </summary>
    /// <summary>
    /// Starts recording that Meta accepted message <paramref name="id"/>; while the write runs, a status
    /// webhook for its <c>wamid</c> waits for it (<see cref="RecordingSent"/>).
    /// </summary>
    private Task<LedgerWriteOutcome> RecordSent(string id, SendOutcome outcome)
    {
        var write = _ledger.SentAsync(id, outcome.MessageId, outcome.CompletedAt);
        if (outcome.MessageId is { } wamid)
        {
            _recordingSent[wamid] = write;
            _ = write.ContinueWith(_ => _recordingSent.TryRemove(wamid, out Task<LedgerWriteOutcome>? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return write;
    }

    private async Task<bool> DepartingAsync(string id, bool alreadyMarked)
    {
        var outcome = await _ledger.SendingAsync(id, _time.GetUtcNow()).ConfigureAwait(false);
        return outcome switch
        {
            LedgerWriteOutcome.Applied => true,
            LedgerWriteOutcome.Unchanged when alreadyMarked => true,
            _ => throw new InvalidOperationException($"Message {id} is not this dispatch's to send ({outcome}): it is not sent."),
        };
    }

    private async Task<DirectSendResult> EndAsync(LedgerMessage record, string status, CloudApiError? error, bool releaseKey, DateTimeOffset? retryAt = null)
    {
        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, status, error, _time.GetUtcNow(), releaseKey)).ConfigureAwait(false);
        var retryAfter = retryAt is { } at && at > _time.GetUtcNow() ? at - _time.GetUtcNow() : (TimeSpan?)null;
        return new DirectSendResult(record.Id, null, error, retryAfter);
    }

    private async Task<DirectSendResult> RequeueAsync(LedgerMessage record, SendMessageRequest message, string reason, CloudApiError error)
    {
        if (_stopping.IsCancellationRequested)
        {
            // Shutting down: it waits, accepted, for the next start, which takes it up at once.
            await RecordAsync(record.Id, _ledger.DeferAsync(record.Id, _time.GetUtcNow(), _time.GetUtcNow(), reason, error)).ConfigureAwait(false);
            return new DirectSendResult(record.Id, null, error);
        }

        var retryAt = _time.GetUtcNow() + _options.CurrentValue.RequeueDelay;
        if (retryAt >= record.ExpiresAt)
        {
            return await EndAsync(record, MessageStatuses.Expired, error, releaseKey: false).ConfigureAwait(false);
        }

        await RecordAsync(record.Id, _ledger.DeferAsync(record.Id, retryAt, _time.GetUtcNow(), reason, error)).ConfigureAwait(false);
        _ = RunAsync(record, message, retryAt);
        return new DirectSendResult(record.Id, null, error, retryAt - _time.GetUtcNow());
    }

    /// <summary>A ledger write after the fact: if it fails, the next start finds the message open and settles it safely.</summary>
    private async Task RecordAsync(string id, Task<LedgerWriteOutcome> write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.NotRecorded(_logger, ex, id);
        }
    }

    /// <summary>How long until the lane has worked through what it holds now: at least a second.</summary>
    private async Task<TimeSpan> RetryAfterAsync(string phoneNumberId)
    {
        try
        {
            var lane = await _grains.GetGrain<IPhoneNumberGrain>(phoneNumberId).GetSnapshotAsync().ConfigureAwait(false);
            var queued = lane.Queued.Reply + lane.Queued.Transactional + lane.Queued.Bulk;
            return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(queued / Math.Max(1, lane.PacedMps))));
        }
        catch (Exception ex) when (ex is GrainOverloadedException or GrainRuntimeStoppedException)
        {
            return TimeSpan.FromSeconds(1);
        }
    }

    /// <summary>Settles what the previous run left open: dispatches accepted messages, fails those caught sending.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var after = string.Empty;
        var counts = (Redispatched: 0, Unknown: 0, Expired: 0);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var page = await _ledger.Store.ReadOpenAsync(after, _recoverBefore, RecoveryPage, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    break;
                }

                after = page[^1].Id;
                var now = _time.GetUtcNow();
                foreach (var record in page)
                {
                    if (record.Status == MessageStatuses.Sending)
                    {
                        // It may have reached Meta: sending it again could deliver it twice.
                        counts.Unknown++;
                        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Failed, CloudApiError.Create(ErrorCodes.TransportFailure, "Outcome unknown", "WaDispatch stopped while this message was on its way to Meta; whether Meta received it is unknown, so it is not sent again."), now)).ConfigureAwait(false);
                    }
                    else if (record.Mode == Direct)
                    {
                        // Its caller was told nothing and may have retried: it never left, so its key is given back.
                        counts.Unknown++;
                        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Failed, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch restarted before this message was sent; it was not sent."), now, releaseKey: true)).ConfigureAwait(false);
                    }
                    else if (record.ExpiresAt <= now)
                    {
                        counts.Expired++;
                        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Expired, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Message expired", $"The message expired at {Format(record.ExpiresAt)} while WaDispatch was down."), now)).ConfigureAwait(false);
                    }
                    else
                    {
                        counts.Redispatched++;
                        var message = JsonSerializer.Deserialize(record.Request, CloudApiJsonContext.Wire.SendMessageRequest)!;
                        _ = RunAsync(record, message, record.RetryAt);
                    }
                }
            }

            Log.Recovered(_logger, counts.Redispatched, counts.Unknown, counts.Expired);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.RecoveryFailed(_logger, ex);
        }
    }

    private static MessageView View(LedgerMessage record) => new(
        record.Id,
        record.PhoneNumberId,
        record.WaId,
        record.Status,
        record.Wamid,
        MessageLedger.Error(record.Error),
        record.AcceptedAt,
        record.ExpiresAt,
        record.UpdatedAt)
    {
        RetryAt = record.RetryAt,
    };

    /// <summary>Meta's response for a message it accepted, for a replay that finds it already sent.</summary>
    private static SendMessageResponse Response(string waId, string input, string wamid) => new()
    {
        MessagingProduct = "whatsapp",
        Contacts = [new ResponseContact { Input = input, WaId = waId }],
        Messages = [new ResponseMessage { Id = wamid }],
    };

    /// <summary>A time-ordered id (UUIDv7, 32 hex digits): ids sort in acceptance order.</summary>
    /// <remarks>
    /// Monotonic within the run, whatever the clock does: each id is above the last one, and so above the
    /// recovery cut-off taken at start-up, so recovery never takes up a message of this run.
    /// </remarks>
    private string NewId(DateTimeOffset now)
    {
        var id = UInt128.Parse(Guid.CreateVersion7(now).ToString("N"), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        lock (_idLock)
        {
            _lastId = id > _lastId ? id : _lastId + 1;
            return _lastId.ToString("x32", CultureInfo.InvariantCulture);
        }
    }

    private static CloudApiError Invalid(string details) => CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", details);

    private static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Message {MessageId}: dispatch failed before it reached its lane")]
        public static partial void DispatchFailed(ILogger logger, Exception exception, string messageId);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Error, Message = "Message {MessageId}: its new status could not be recorded; the next start settles it")]
        public static partial void NotRecorded(ILogger logger, Exception exception, string messageId);

        [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Messages left open by the previous run: {Redispatched} dispatched again, {Unknown} failed (outcome unknown or never sent), {Expired} expired")]
        public static partial void Recovered(ILogger logger, int redispatched, int unknown, int expired);

        [LoggerMessage(EventId = 2304, Level = LogLevel.Error, Message = "Taking up the messages left open by the previous run failed; they are taken up at the next start")]
        public static partial void RecoveryFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2305, Level = LogLevel.Error, Message = "The message ledger could not be flushed at shutdown")]
        public static partial void FlushFailed(ILogger logger, Exception exception);
    }
}
