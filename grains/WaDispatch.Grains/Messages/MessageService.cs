using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Validation;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Grains.Messages;

/// <summary>
/// Accepts messages durably and takes each to its lane: a message is in the ledger before anyone is told it was
/// accepted, then it goes through the recipient's rules and the messaging limit (<see cref="MessageDispatcher"/>) to
/// its number's <see cref="IPhoneNumberGrain"/>, which sends it and records how it ends. What cannot go yet waits in
/// the ledger with its retry time, and its lane takes it up then. Holds no message's fate itself: a lane that
/// activates takes up its number's open messages from the ledger (<see cref="TakeUpAsync"/>), so a message this
/// process was taking to its lane when it died is taken up there.
/// </summary>
public sealed partial class MessageService : IHostedService, IDisposable
{
    /// <summary>How a message came in: queued (202, sent in the background) or direct (the caller waits for Meta's answer).</summary>
    private const string Queued = "async";
    private const string Direct = "sync";
    private const string FromCampaign = "campaign";
    private const int MaxPhoneNumberIdLength = 64;
    private const int TakeUpPage = 500;

    /// <summary>
    /// A message a lane takes up must have been left alone this long: one younger may be on its way to the lane from
    /// a live caller, and one marked <c>sending</c> this recently may still be upstream from the lane's last activation
    /// (whose pump finishes what it sent). Longer than the Cloud API client's timeout.
    /// </summary>
    internal static readonly TimeSpan TakeUpGrace = TimeSpan.FromSeconds(30);

    /// <summary>How often, at most, a number's parked templates that could not be ranked are logged.</summary>
    private static readonly TimeSpan UnrankedLogEvery = TimeSpan.FromMinutes(1);

    /// <summary>Refusals that pass with time: a queued message waits for them within its expiry.</summary>
    private static readonly HashSet<int> Passing = [ErrorCodes.MessagingLimitReached, ErrorCodes.ServiceUnavailable, ErrorCodes.MarketingCapReached];

    /// <summary>A paused or disabled template pauses its campaign: the campaign's message waits instead of failing.</summary>
    private static readonly HashSet<int> TemplateHeld = [ErrorCodes.TemplatePaused, ErrorCodes.TemplateDisabled];

    private readonly MessageLedger _ledger;
    private readonly MessageDispatcher _dispatcher;
    private readonly LaneRoutes _routes;
    private readonly IGrainFactory _grains;
    private readonly IOptionsMonitor<MessageOptions> _options;
    private readonly IOptionsMonitor<CallbackOptions> _callbacks;
    private readonly IOptionsMonitor<LaneOptions> _lanes;
    private readonly TimeProvider _time;
    private readonly ILogger<MessageService> _logger;
    private readonly IClusterMembershipService _membership;
    private readonly DispatchMetrics _metrics;
    private readonly DateTimeOffset _startedAt;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _disposed;
    private readonly ConcurrentDictionary<string, Task<DirectSendResult>> _direct = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LaneParking> _parking = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dispatchingDue = new(StringComparer.Ordinal);
    private readonly Lock _idLock = new();
    private UInt128 _lastId;

    /// <summary>Creates the service.</summary>
    public MessageService(MessageLedger ledger, MessageDispatcher dispatcher, LaneRoutes routes, IGrainFactory grains, IOptionsMonitor<MessageOptions> options, IOptionsMonitor<CallbackOptions> callbacks, IOptionsMonitor<LaneOptions> lanes, TimeProvider time, ILogger<MessageService> logger, IClusterMembershipService membership, DispatchMetrics metrics)
    {
        _lanes = lanes;
        _metrics = metrics;
        _membership = membership;
        _startedAt = time.GetUtcNow();
        _callbacks = callbacks;
        _ledger = ledger;
        _dispatcher = dispatcher;
        _routes = routes;
        _grains = grains;
        _options = options;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(options.CurrentValue.MaxDispatching);
    }

    /// <summary>
    /// Accepts <paramref name="submission"/> durably and sends it in the background. Returns the accepted
    /// message (status <c>accepted</c>), the message first accepted under its idempotency key, or why it
    /// was refused (nothing accepted).
    /// </summary>
    public async Task<AcceptResult> AcceptAsync(MessageSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        using var activity = StartAccepting(submission);
        var (record, refused) = Prepare(submission, Queued);
        if (refused is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, refused.Message);
            return new AcceptResult(null, false, refused);
        }

        activity?.SetTag(DispatchTracing.MessageIdTag, record!.Id);

        // A template for a lane with no room for it (counting those already on their way there from this silo) waits in
        // the ledger (due at once), where its lane reads it back as it drains, most urgent class first: the backlog costs
        // no memory (Lanes:MaxBacklogMemory).
        var prepared = record!;
        var lane = Parkable(submission.Message) ? LaneOf(prepared.PhoneNumberId) : null;
        var reserved = lane is not null && lane.TryReserve(_lanes.CurrentValue.MinQueuedSends);
        var accepted = lane is null || reserved ? prepared : prepared with { RetryAt = prepared.AcceptedAt, Priority = (int)await ParkedPriorityAsync(lane, prepared.PhoneNumberId, submission.Message).ConfigureAwait(false) };

        // Not cancellable: once written, the message is accepted, and its dispatch must start whoever still waits.
        bool applied;
        try
        {
            applied = await _ledger.WriteAsync(new AcceptWrite(accepted)).ConfigureAwait(false) == LedgerWriteOutcome.Applied;
        }
        catch when (reserved)
        {
            lane!.Release();
            throw;
        }

        if (applied)
        {
            if (lane is not null && !reserved)
            {
                Signal(accepted.PhoneNumberId, lane);
            }
            else
            {
                _ = RunAsync(accepted, submission.Message, reserved: reserved ? lane : null);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new AcceptResult(View(accepted), false, null);
        }

        if (reserved)
        {
            lane!.Release();
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
        using var activity = StartAccepting(submission);
        var (record, refused) = Prepare(submission, Direct);
        if (refused is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, refused.Message);
            return new DirectSendResult(null, null, refused);
        }

        activity?.SetTag(DispatchTracing.MessageIdTag, record!.Id);

        var accepting = _time.GetTimestamp();
        if (await _ledger.WriteAsync(new AcceptWrite(record!)).ConfigureAwait(false) == LedgerWriteOutcome.Applied)
        {
            var sending = DispatchAsync(record!, submission.Message, direct: true, acceptTime: _time.GetElapsedTime(accepting));
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
            // The first request's steps are not this one's.
            return await running.WaitAsync(cancellationToken).ConfigureAwait(false) with { Phases = null };
        }

        return first.Wamid is { } wamid
            ? new DirectSendResult(first.Id, Response(first.WaId, submission.Message.To!, wamid), null)
            : new DirectSendResult(first.Id, null, MessageLedger.Error(first.Error) ?? CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", $"Message {first.Id} is {first.Status}."));
    }

    /// <summary>
    /// Accepts campaign messages into the ledger, each under the key <c>campaign:{id}:{seq}</c> so that a recipient is
    /// sent to once however often the campaign is resumed or restarted, and takes the new ones to their lane in the
    /// background. Completes once they are durable; a message the ledger already had is left to the lane that has it.
    /// </summary>
    public async Task AcceptCampaignMessagesAsync(IReadOnlyList<CampaignMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = _time.GetUtcNow();
        var records = messages.Select(message => (Message: message, Record: new LedgerMessage(
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
            message.CallbackUrl,
            CampaignTrace(message),
            (int)message.Priority))).ToList();
        var writes = await Task.WhenAll(records.Select(r => _ledger.WriteAsync(new AcceptWrite(r.Record)))).ConfigureAwait(false);
        for (var i = 0; i < records.Count; i++)
        {
            if (writes[i] == LedgerWriteOutcome.Applied)
            {
                var (message, record) = records[i];
                _ = RunAsync(record, message.Message, message.Category, message.Priority);
            }
        }
    }

    /// <summary>The message with id <paramref name="id"/> and its history, or null.</summary>
    public async Task<MessageView?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        // One snapshot: the status and error agree with the history, whatever the ledger commits meanwhile.
        if (await _ledger.Store.ReadWithHistoryAsync(id, cancellationToken).ConfigureAwait(false) is not (var record, var events))
        {
            return null;
        }

        // In the order a message lives them: Meta's times have whole seconds and may sort before WaDispatch's own.
        return View(record) with
        {
            History = [.. events.OrderBy(e => MessageStatuses.Order(e.Status)).ThenBy(e => e.At).Select(e => new MessageEvent(e.Status, e.At, e.ErrorCode))],
        };
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Messages on their way to a lane stay accepted in the ledger: their lane takes them up when it next activates.
        if (_disposed)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _ledger.FlushAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown time is up: what was not flushed is still open in the ledger for the next activation.
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
            submission.CallbackUrl,
            DispatchTracing.CurrentTraceParent(),
            (int)(Parkable(submission.Message) ? SendPriority.Bulk : SendPriority.Reply));
        return (record, null);
    }

    /// <summary>
    /// A campaign message's own trace, begun as its campaign's grain hands it over (no request carries one there):
    /// null when nothing traces.
    /// </summary>
    private static string? CampaignTrace(CampaignMessage message)
    {
        using var activity = DispatchTracing.Messages.StartActivity("wadispatch.accept", ActivityKind.Internal, parentContext: default);
        activity?.SetTag(DispatchTracing.PhoneNumberTag, message.PhoneNumberId);
        activity?.SetTag("wadispatch.campaign.id", message.CampaignId);
        activity?.SetTag("wadispatch.campaign.seq", message.Seq);
        return activity?.Id;
    }

    private static Activity? StartAccepting(MessageSubmission submission)
    {
        var activity = DispatchTracing.Messages.StartActivity("wadispatch.accept");
        activity?.SetTag(DispatchTracing.PhoneNumberTag, submission.PhoneNumberId);
        return activity;
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

    /// <summary>
    /// Takes an accepted message to its lane in the background, a bounded number at a time (<see cref="MessageOptions.MaxDispatching"/>).
    /// <paramref name="reserved"/>: the lane room it took at acceptance, given back once it is there (or refused on the way).
    /// </summary>
    private async Task RunAsync(LedgerMessage record, SendMessageRequest message, MessageCategory? category = null, SendPriority? priority = null, LaneParking? reserved = null)
    {
        // One the ledger shows as due: a lane's fill on this silo must not take it up again while it is on its way.
        var due = record.RetryAt is not null && _dispatchingDue.TryAdd(record.Id, 0);
        try
        {
            await RunSlottedAsync(record, message, category, priority).ConfigureAwait(false);
        }
        finally
        {
            reserved?.Release();

            if (due)
            {
                _dispatchingDue.TryRemove(record.Id, out _);
            }
        }
    }

    private async Task RunSlottedAsync(LedgerMessage record, SendMessageRequest message, MessageCategory? category, SendPriority? priority)
    {
        try
        {
            await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping: it stays accepted, and its lane takes it up when it next activates.
            return;
        }

        try
        {
            if (record.CampaignId is not null && category is null)
            {
                await DispatchForCampaignAsync(record, message).ConfigureAwait(false);
            }
            else
            {
                await DispatchAsync(record, message, direct: false, category, priority).ConfigureAwait(false);
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
    /// A list of one for a grain call, as an array: Orleans copies a call's arguments, and for a list it looks up a copier
    /// of the runtime type. An array's is found once; the type the compiler makes for <c>[send]</c> has none, and
    /// the failed lookup (reflection over the type's attributes) ran again on every call.
    /// </summary>
    private static LaneSend[] OneOf(LaneSend send) => [send];

    /// <summary>
    /// The class a parked template is read back in: its category in the catalog of the number's WABA (authentication
    /// first, then utility), marketing when the catalog does not know it — as its admission will take it. A catalog or
    /// lane that does not answer within <see cref="LaneOptions.ParkedRankWait"/>, or fails, leaves it marketing: the park
    /// must not fail or stall for the order it is read in.
    /// </summary>
    private async Task<SendPriority> ParkedPriorityAsync(LaneParking lane, string phoneNumberId, SendMessageRequest message)
    {
        try
        {
            return await RankAsync(lane, phoneNumberId, message).WaitAsync(_lanes.CurrentValue.ParkedRankWait, _time).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            // The ask goes on (RankAsync observes its end), and the template is parked now.
            Unranked(lane, phoneNumberId, ex);
            return SendPriority.Bulk;
        }
    }

    /// <summary>
    /// The template's class; never fails (a failure is logged, and ranks it marketing). It waits on the lane for the
    /// number's route only when this silo has none before (<see cref="LaneRoutes.ForParkingAsync"/>): while a newer route
    /// is asked for, or for 5 s after an ask failed, the route before serves; without one, the number's templates park as
    /// marketing at once in those 5 s and once the ask is overdue past <see cref="LaneOptions.ParkedRankWait"/>, rather
    /// than each waiting out the wait (a batch parks hundreds).
    /// </summary>
    private async Task<SendPriority> RankAsync(LaneParking lane, string phoneNumberId, SendMessageRequest message)
    {
        try
        {
            return await _routes.ForParkingAsync(phoneNumberId, _lanes.CurrentValue.ParkedRankWait).ConfigureAwait(false) is { } route
                ? await _dispatcher.TemplatePriorityAsync(route.WabaId, message).ConfigureAwait(false)
                : SendPriority.Bulk;
        }
        catch (Exception ex)
        {
            Unranked(lane, phoneNumberId, ex);
            return SendPriority.Bulk;
        }
    }

    /// <summary>Logs that a parked template could not be ranked, at most once per <see cref="UnrankedLogEvery"/> per number: a catalog that does not answer must not flood the log with every park.</summary>
    private void Unranked(LaneParking lane, string phoneNumberId, Exception exception)
    {
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref lane.UnrankedLoggedAt);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= UnrankedLogEvery) && Interlocked.CompareExchange(ref lane.UnrankedLoggedAt, now, last) == last)
        {
            Log.ParkedUnranked(_logger, exception, phoneNumberId);
        }
    }

    /// <summary>
    /// Queued templates may be parked in the ledger while their lane's window is full (<see cref="LaneOptions.MaxBacklogMemory"/>).
    /// Free-form messages (replies within the customer-service window, the highest class) are never parked, nor are
    /// campaign messages (their campaign keeps its own window in flight) or direct sends (their caller waits).
    /// </summary>
    private static bool Parkable(SendMessageRequest message) => string.Equals(message.Type, MessageTypes.Template, StringComparison.Ordinal);

    /// <summary>This silo's count of what it sends the number's lane (<see cref="LaneParking"/>).</summary>
    private LaneParking LaneOf(string phoneNumberId) => _parking.GetOrAdd(phoneNumberId, static (_, time) => new LaneParking(time), _time);

    /// <summary>
    /// Tells the lane that a message was parked for it, after its write committed. At most one call per number is on its
    /// way; a park while it is sends one more after it, so every parked message is followed by a call that left after
    /// its commit — the lane never stops reading the ledger before it has seen it.
    /// </summary>
    private void Signal(string phoneNumberId, LaneParking parking)
    {
        if (parking.Parked(_lanes.CurrentValue.ParkingHold))
        {
            _ = SignalAsync(phoneNumberId, parking);
        }
    }

    private async Task SignalAsync(string phoneNumberId, LaneParking parking)
    {
        while (true)
        {
            // The sends on their way reach the lane first: it then reads as much of the ledger as its window has room
            // for with them in hand, rather than its window from the ledger and the sends on top.
            await parking.OnTheWayAsync(_lanes.CurrentValue.ParkedTellWait).ConfigureAwait(false);
            var parks = parking.BeginTell();
            try
            {
                // The lane has parked messages to read until it catches up: the number's next templates park too.
                await _grains.Reference<IPhoneNumberGrain>(phoneNumberId).ParkedAsync().ConfigureAwait(false);
                parking.Told(parks, _lanes.CurrentValue.ParkingHold);
            }
            catch (Exception ex)
            {
                // The messages wait in the ledger, due: the silo's sweep (LaneWake, every 10 s) wakes every lane with due
                // messages, and its fill reads them; a later park of the number tells the lane sooner.
                Log.WakeNotBooked(_logger, ex, phoneNumberId);
            }

            if (parking.TellDone())
            {
                return;
            }
        }
    }

    /// <summary>
    /// A campaign message taken up again (after a deferral, or by a lane that activated) follows its campaign: not
    /// sent once the campaign is cancelled or over, held while it is paused, and sent with its category and priority.
    /// </summary>
    private async Task DispatchForCampaignAsync(LedgerMessage record, SendMessageRequest message)
    {
        var campaign = (await _grains.Reference<ICampaignGrain>(record.CampaignId!).GetAsync().ConfigureAwait(false))?.State;
        switch (campaign)
        {
            case null or { Status: CampaignStatus.Cancelled or CampaignStatus.Completed or CampaignStatus.Expired }:
                await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Skipped, null, _time.GetUtcNow(), reason: "cancelled")).ConfigureAwait(false);
                return;
            case { Status: CampaignStatus.Paused }:
                await DeferAsync(record, MessageStatuses.Deferred, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Campaign paused", $"Campaign {record.CampaignId} is paused: {campaign.PauseReason}"), CampaignSendClass.Of(campaign).Priority).ConfigureAwait(false);
                return;
        }

        var (category, priority) = CampaignSendClass.Of(campaign);
        await DispatchAsync(record, message, direct: false, category, priority).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes one accepted message through admission to its lane; records what keeps it from going. For a direct send,
    /// waits for its end, and answers its steps with <paramref name="acceptTime"/> (the acceptance's commit) among them.
    /// </summary>
    private async Task<DirectSendResult> DispatchAsync(LedgerMessage record, SendMessageRequest message, bool direct, MessageCategory? knownCategory = null, SendPriority? priority = null, TimeSpan acceptTime = default)
    {
        // The message's own trace, however it got here (just accepted, deferred, or taken up after a restart).
        using var activity = DispatchTracing.Messages.StartActivity("wadispatch.dispatch", ActivityKind.Internal, DispatchTracing.ParentOf(record.TraceParent));
        activity?.SetTag(DispatchTracing.MessageIdTag, record.Id);
        activity?.SetTag(DispatchTracing.PhoneNumberTag, record.PhoneNumberId);
        var options = _options.CurrentValue;
        var id = record.Id;
        var start = _time.GetUtcNow();
        var permitDeadline = start + options.MaxPermitWait;
        var expiresAt = direct && permitDeadline < record.ExpiresAt ? permitDeadline : record.ExpiresAt;

        // Until the catalog says otherwise, a template counts as marketing: its opt-outs are honoured.
        var category = knownCategory ?? (string.Equals(message.Type, MessageTypes.Template, StringComparison.Ordinal) ? MessageCategory.Marketing : MessageCategory.Service);
        var campaign = record.CampaignId;

        // WaDispatch's id travels with the message to Meta and back in its status webhooks (CallbackData).
        var request = new DispatchRequest(id, record.PhoneNumberId, CallbackData.Wrap(id, message), category, campaign is null ? SendOrigin.Direct : SendOrigin.Campaign, expiresAt)
        {
            CampaignId = campaign,
            Priority = priority,
            Direct = direct,
            TraceParent = DispatchTracing.CurrentTraceParent() ?? record.TraceParent,
        };

        DispatchResult result;
        SendPhases? phases = null;

        // The class it waits in if it is held back: its admission's once known (the catalog's category of a template).
        var rank = priority;
        try
        {
            var admitting = _time.GetTimestamp();
            var admission = await _dispatcher.AdmitAsync(request).ConfigureAwait(false);
            rank = admission.Priority;
            if (admission.Send is { } send)
            {
                if (!direct)
                {
                    // From here the lane owns the message: it sends it and records how it ends. It answers how much
                    // room its window has left: templates beyond it are parked in the ledger until it reads them. The answer
                    // is taken in the order the calls began, and as 0 while a park is new to the lane (LaneParking).
                    var lane = LaneOf(record.PhoneNumberId);
                    var ask = lane.Ask();
                    var room = await admission.Lane.EnqueueAsync(OneOf(send)).ConfigureAwait(false);
                    lane.Answered(ask, room, _lanes.CurrentValue.ParkingHold);

                    return new DirectSendResult(id, null, null);
                }

                // The permit wait is the lane's: it runs from admission, however long admission took.
                var permitBy = _time.GetUtcNow() + options.MaxPermitWait;
                var laning = _time.GetTimestamp();
                var outcome = await admission.Lane.SendAsync(send with { ExpiresAt = permitBy < record.ExpiresAt ? permitBy : record.ExpiresAt }).ConfigureAwait(false);
                var inLane = _time.GetElapsedTime(laning);
                phases = new SendPhases(acceptTime, _time.GetElapsedTime(admitting, laning), inLane - (outcome.UpstreamTime ?? TimeSpan.Zero) - outcome.LedgerTime, outcome.LedgerTime);
                result = outcome.Status switch
                {
                    SendStatus.Sent => new DispatchResult(DispatchStatus.Sent, outcome),
                    SendStatus.Failed => new DispatchResult(DispatchStatus.Failed, outcome, outcome.Error),
                    SendStatus.Expired => new DispatchResult(DispatchStatus.Expired, outcome, outcome.Error),
                    _ => new DispatchResult(DispatchStatus.Abandoned, outcome, outcome.Error),
                };
            }
            else
            {
                result = admission.Refusal!;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // It never reached its lane (the silo is stopping, a grain failed): a queued message stays accepted for its lane to take up.
            Log.DispatchFailed(_logger, ex, id);
            var unavailable = CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch could not take the message to its lane; it was not sent.");
            return direct
                ? await EndAsync(record, MessageStatuses.Failed, unavailable, releaseKey: true).ConfigureAwait(false)
                : await DeferAsync(record, MessageStatuses.Requeued, unavailable, rank).ConfigureAwait(false);
        }

        switch (result.Status)
        {
            case DispatchStatus.Sent:
                // The lane recorded it as it came back from Meta.
                return new DirectSendResult(id, result.Outcome!.Response, null) { UpstreamTime = result.Outcome.UpstreamTime, Phases = phases };
            case DispatchStatus.Failed:
                // Recorded by the lane too (Meta refused it, or its outcome is unknown).
                return new DirectSendResult(id, null, result.Error) { UpstreamTime = result.Outcome?.UpstreamTime, Phases = phases };
            case DispatchStatus.Skipped:
                await RecordAsync(id, _ledger.EndAsync(id, MessageStatuses.Skipped, result.Error, _time.GetUtcNow(), reason: result.SkipReason)).ConfigureAwait(false);
                if (campaign is not null)
                {
                    _metrics.CampaignSend(campaign, sent: false);
                }

                return new DirectSendResult(id, null, result.Error);
            case DispatchStatus.Refused when campaign is not null && TemplateHeld.Contains(result.Error?.Code ?? 0):
                return await DeferAsync(record, MessageStatuses.Deferred, result.Error!, rank).ConfigureAwait(false);
            case DispatchStatus.Refused or DispatchStatus.Deferred when !direct && result.RetryAt is { } retryAt && retryAt < record.ExpiresAt
                && (result.Status == DispatchStatus.Deferred || Passing.Contains(result.Error?.Code ?? 0)):
                await RecordAsync(id, _ledger.DeferAsync(id, retryAt, _time.GetUtcNow(), MessageStatuses.Deferred, result.Error, rank)).ConfigureAwait(false);
                await WakeLaneAsync(record.PhoneNumberId, retryAt).ConfigureAwait(false);
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
                // Abandoned: the lane went away before it was sent (its caller gets the answer; a retry may send it).
                var abandoned = result.Error ?? CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "The lane stopped before the message was sent.");
                return await EndAsync(record, MessageStatuses.Failed, abandoned, releaseKey: true).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes up what the ledger holds open for <paramref name="phoneNumberId"/>, as its lane asks (<paramref name="scope"/>):
    /// when it activates (every open message), when a retry time comes, or to recheck what it left: accepted ones go to the lane
    /// again (at their retry time), ones marked <c>sending</c> by an earlier activation end <c>failed</c> with their
    /// outcome unknown — Meta may have them, and sending again could deliver them twice —, ones of the Cloud API route
    /// end <c>failed</c> with their key given back (their caller was told nothing), expired ones end <c>expired</c>.
    /// Messages touched within <see cref="TakeUpGrace"/> are left to whoever touched them, and looked at again then
    /// (<see cref="TakeUpScope.Recheck"/>) — unless they were touched before this silo started and no other silo is
    /// active: then nobody can be carrying them.
    /// Messages waiting with a retry time (parked ones are due from their acceptance) are only ever taken up by the
    /// lane's fill (<see cref="TakeUpScope.Due"/>), at most <paramref name="limit"/> at a time, most urgent class first and in acceptance order within it; the
    /// fill completes once those it dispatched reached the lane (or ended before).
    /// </summary>
    public async Task<TakeUpResult> TakeUpAsync(string phoneNumberId, DateTimeOffset now, TakeUpScope scope, int limit = int.MaxValue)
    {
        var counts = (Dispatched: 0, Unknown: 0, Expired: 0);
        DateTimeOffset? nextWake = null;
        DateTimeOffset? recheck = null;
        var caughtUp = false;
        var dispatched = new List<Task>();
        var lane = _grains.Reference<IPhoneNumberGrain>(phoneNumberId);
        try
        {
            var alone = _membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) <= 1;
            var cutoff = now - TakeUpGrace;
            var after = LedgerMessage.FirstDue;
            while (!_stopping.IsCancellationRequested)
            {
                // Due ones most urgent first: a one-time password parked behind a marketing backlog is read before it.
                var page = scope == TakeUpScope.Due
                    ? await _ledger.Store.ReadDueAsync(phoneNumberId, now, after, TakeUpPage, _stopping.Token).ConfigureAwait(false)
                    : await _ledger.Store.ReadOpenAsync(phoneNumberId, after.Id, TakeUpPage, _stopping.Token).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    caughtUp = true;
                    break;
                }

                after = (page[^1].Priority, page[^1].Id);
                if (scope == TakeUpScope.Due)
                {
                    // Those this silo is taking to the lane already (an earlier fill's, a deferral's) are on their way.
                    page = [.. page.Where(r => !_dispatchingDue.ContainsKey(r.Id))];
                }

                if (scope != TakeUpScope.Activation)
                {
                    // The lane is active and holds its backlog (a due message may already be back in its queue): only what
                    // it does not hold is taken up again.
                    string[] ids = [.. page.Select(r => r.Id)];
                    var unheld = (await lane.UnheldAsync(ids).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
                    page = [.. page.Where(r => unheld.Contains(r.Id))];
                }

                foreach (var record in page)
                {
                    if (counts.Dispatched >= limit)
                    {
                        break;
                    }

                    if (record.RetryAt is { } retryAt && (retryAt > now || (scope != TakeUpScope.Due && record.Status == MessageStatuses.Accepted && record.Mode != Direct)))
                    {
                        // Waiting for its time, or due and left to the lane's fill, which reads only as much as its window holds.
                        var due = retryAt > now ? retryAt : now;
                        nextWake = nextWake is { } earlier && earlier <= due ? earlier : due;
                        continue;
                    }

                    if (record.UpdatedAt > cutoff && !(scope == TakeUpScope.Due && record.Status == MessageStatuses.Accepted) && !(alone && record.UpdatedAt < _startedAt))
                    {
                        // Someone may still hold it: look again once it is old enough.
                        var again = record.UpdatedAt + TakeUpGrace;
                        recheck = recheck is { } sooner && sooner <= again ? sooner : again;
                        continue;
                    }

                    if (record.Status == MessageStatuses.Sending)
                    {
                        counts.Unknown++;
                        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Failed, CloudApiError.Create(ErrorCodes.TransportFailure, "Outcome unknown", "WaDispatch stopped while this message was on its way to Meta; whether Meta received it is unknown, so it is not sent again. Its status webhooks, if Meta has it, still move it on."), now)).ConfigureAwait(false);
                    }
                    else if (record.Mode == Direct)
                    {
                        // Its caller was told nothing and may have retried: it never left, so its key is given back.
                        counts.Unknown++;
                        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Failed, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", "WaDispatch stopped before this message was sent; it was not sent."), now, releaseKey: true)).ConfigureAwait(false);
                    }
                    else if (record.ExpiresAt <= now)
                    {
                        counts.Expired++;
                        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, MessageStatuses.Expired, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Message expired", $"The message expired at {Format(record.ExpiresAt)} before it could be sent."), now)).ConfigureAwait(false);
                    }
                    else
                    {
                        counts.Dispatched++;
                        var message = JsonSerializer.Deserialize(record.Request, CloudApiJsonContext.Wire.SendMessageRequest)!;
                        dispatched.Add(RunAsync(record, message));
                    }
                }

                if (counts.Dispatched >= limit)
                {
                    break;
                }
            }

            if (nextWake is { } wake)
            {
                await WakeLaneAsync(phoneNumberId, wake).ConfigureAwait(false);
            }

            if (recheck is { } at)
            {
                await RecheckLaneAsync(phoneNumberId, at).ConfigureAwait(false);
            }

            if (counts != (0, 0, 0) && scope != TakeUpScope.Due)
            {
                Log.TakenUp(_logger, phoneNumberId, counts.Dispatched, counts.Unknown, counts.Expired);
            }

            if (scope == TakeUpScope.Due)
            {
                // RunAsync logs its own failures and never throws: the fill ends when its messages reached the lane.
                await Task.WhenAll(dispatched).ConfigureAwait(false);
            }

            return new TakeUpResult(counts.Dispatched, caughtUp);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Still open in the ledger: the lane's next wake (at the latest its next activation) tries again.
            Log.TakeUpFailed(_logger, ex, phoneNumberId);
            await RecheckLaneAsync(phoneNumberId, now + TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        }

        return new TakeUpResult(counts.Dispatched, CaughtUp: false, Failed: !_stopping.IsCancellationRequested);
    }

    private async Task RecheckLaneAsync(string phoneNumberId, DateTimeOffset at)
    {
        try
        {
            await _grains.Reference<IPhoneNumberGrain>(phoneNumberId).RecheckAtAsync(at).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Due ones: the silo's sweep wakes the lane (every 10 s). The rest: a silo's death or the lane's next activation.
            Log.RecheckNotBooked(_logger, ex, phoneNumberId);
        }
    }

    private async Task WakeLaneAsync(string phoneNumberId, DateTimeOffset at)
    {
        try
        {
            await _grains.Reference<IPhoneNumberGrain>(phoneNumberId).WakeAtAsync(at).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message waits in the ledger: once it is due, the silo's sweep (LaneWake, every 10 s) wakes its lane.
            Log.WakeNotBooked(_logger, ex, phoneNumberId);
        }
    }

    private async Task<DirectSendResult> EndAsync(LedgerMessage record, string status, CloudApiError? error, bool releaseKey, DateTimeOffset? retryAt = null)
    {
        await RecordAsync(record.Id, _ledger.EndAsync(record.Id, status, error, _time.GetUtcNow(), releaseKey)).ConfigureAwait(false);
        if (record.CampaignId is { } campaign)
        {
            _metrics.CampaignSend(campaign, sent: false);
        }

        var retryAfter = retryAt is { } at && at > _time.GetUtcNow() ? at - _time.GetUtcNow() : (TimeSpan?)null;
        return new DirectSendResult(record.Id, null, error, retryAfter);
    }

    /// <summary>
    /// Back to accepted, to go again after <see cref="MessageOptions.RequeueDelay"/> (or to expire first), in its class
    /// <paramref name="priority"/> when known; its lane takes it up then.
    /// </summary>
    private async Task<DirectSendResult> DeferAsync(LedgerMessage record, string reason, CloudApiError error, SendPriority? priority)
    {
        var now = _time.GetUtcNow();
        var retryAt = _stopping.IsCancellationRequested ? now : now + _options.CurrentValue.RequeueDelay;
        if (retryAt >= record.ExpiresAt)
        {
            return await EndAsync(record, MessageStatuses.Expired, error, releaseKey: false).ConfigureAwait(false);
        }

        await RecordAsync(record.Id, _ledger.DeferAsync(record.Id, retryAt, now, reason, error, priority)).ConfigureAwait(false);
        if (!_stopping.IsCancellationRequested)
        {
            await WakeLaneAsync(record.PhoneNumberId, retryAt).ConfigureAwait(false);
        }

        return new DirectSendResult(record.Id, null, error, retryAt - now);
    }

    /// <summary>A ledger write after the fact: if it fails, the message stays open and its lane settles it safely later.</summary>
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
            var lane = await _grains.Reference<IPhoneNumberGrain>(phoneNumberId).GetSnapshotAsync().ConfigureAwait(false);
            var queued = lane.Queued.Reply + lane.Queued.Transactional + lane.Queued.Bulk;
            return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(queued / Math.Max(1, lane.PacedMps))));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TimeSpan.FromSeconds(1);
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

        [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Lane {PhoneNumberId} took up its open messages: {Dispatched} dispatched again, {Unknown} failed (outcome unknown or never sent), {Expired} expired")]
        public static partial void TakenUp(ILogger logger, string phoneNumberId, int dispatched, int unknown, int expired);

        [LoggerMessage(EventId = 2304, Level = LogLevel.Error, Message = "Lane {PhoneNumberId}: taking up its open messages failed; it tries again in a minute")]
        public static partial void TakeUpFailed(ILogger logger, Exception exception, string phoneNumberId);

        [LoggerMessage(EventId = 2306, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId} could not be told of messages waiting in the ledger for it; the silo's sweep wakes it once they are due (every 10 s)")]
        public static partial void WakeNotBooked(ILogger logger, Exception exception, string phoneNumberId);

        [LoggerMessage(EventId = 2308, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId}: its recheck of open messages could not be booked; the silo's sweep wakes it for those that are due (every 10 s), and a silo's death or the lane's next activation looks at the rest")]
        public static partial void RecheckNotBooked(ILogger logger, Exception exception, string phoneNumberId);

        [LoggerMessage(EventId = 2305, Level = LogLevel.Error, Message = "The message ledger could not be flushed at shutdown")]
        public static partial void FlushFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2307, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId}: a parked template's category could not be looked up; it is read back as marketing (logged at most once a minute per number)")]
        public static partial void ParkedUnranked(ILogger logger, Exception exception, string phoneNumberId);
    }
}
