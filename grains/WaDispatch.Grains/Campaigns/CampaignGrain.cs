using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Pacing;
using WaDispatch.Storage.Campaigns;

namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// A campaign: its durable truth (definition, status, checkpoint), its audience upload, and its sending. While it
/// runs, a grain timer feeds the audience after the checkpoint to the message ledger, keeping about two seconds of
/// the lane's tier open at a time (one ledger message per recipient, by idempotency key), and the number's lane
/// sends from there. The checkpoint advances over recipients handed over durably: a restart, a pause or a silo's
/// death never skips one, and the ledger's keys never send one twice. A reminder keeps a running campaign alive and
/// wakes it after a restart or on another silo; it completes when every recipient has an end.
/// </summary>
public sealed partial class CampaignGrain : Grain, ICampaignGrain, IRemindable
{
    private const int MinWindow = 20;
    private const int MaxWindow = 5000;
    private const int Page = 500;
    private const string FeedReminder = "feed";
    private static readonly TimeSpan FeedTick = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    private readonly IPersistentState<CampaignState> _state;
    private readonly CampaignStore _store;
    private readonly MessageService _messages;
    private readonly TimeProvider _time;
    private readonly ILogger<CampaignGrain> _logger;
    private readonly RateMeter _rate;
    private IGrainTimer? _feed;
    private int _window;
    private bool _audienceDone;
    private long _checkpointWrittenAt;
    private CampaignState? _upload;
    private int _uploadSeq;

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public CampaignGrain([PersistentState("campaign")] IPersistentState<CampaignState> state, CampaignStore store, MessageService messages, TimeProvider time, ILogger<CampaignGrain> logger)
    {
        _state = state;
        _store = store;
        _messages = messages;
        _time = time;
        _logger = logger;
        _rate = new RateMeter(time);
    }

    private CampaignState State => _state.State;

    private string Id => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Exists && State.Status is CampaignStatus.Scheduled or CampaignStatus.Running)
        {
            StartFeed();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_upload is not null)
        {
            // An upload nobody finished: its rows go (the campaign was never created).
            await _store.DeleteAsync(Id, cancellationToken);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> BeginUploadAsync(CampaignState definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (State.Exists || _upload is not null)
        {
            return ValueTask.FromResult(false);
        }

        _upload = definition;
        _uploadSeq = 0;
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public async ValueTask AppendAudienceAsync(IReadOnlyList<AudienceEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var upload = _upload ?? throw new InvalidOperationException($"Campaign {Id} has no upload under way.");
        var keys = CampaignTemplate.Keys(upload.TemplateJson);
        var rows = new List<AudienceRow>(entries.Count);
        foreach (var entry in entries)
        {
            upload.Rows++;
            if (WaIdOf(entry.To) is not { } waId || !keys.All(entry.Values.ContainsKey) || entry.Values.Values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
            {
                upload.Invalid++;
                continue;
            }

            var values = entry.Values.Count == 0 ? null : JsonSerializer.Serialize(entry.Values.Where(v => keys.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), CampaignJsonContext.Default.DictionaryStringString);
            rows.Add(new AudienceRow(++_uploadSeq, waId, values));
        }

        if (rows.Count > 0)
        {
            var added = await _store.AddAsync(Id, rows);
            upload.Recipients += added.Count;
            upload.Duplicates += rows.Count - added.Count;
        }
    }

    /// <inheritdoc />
    public async ValueTask<CampaignState> CompleteUploadAsync(DateTimeOffset createdAt)
    {
        var upload = _upload ?? throw new InvalidOperationException($"Campaign {Id} has no upload under way.");
        if (upload.Recipients == 0)
        {
            await AbandonUploadAsync();
            return upload;
        }

        upload.CreatedAt = createdAt;
        upload.Status = CampaignStatus.Scheduled;
        upload.Exists = true;
        _state.State = upload;
        await _state.WriteStateAsync();
        _upload = null;
        await GrainFactory.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).AddAsync(Id);
        CampaignLog.Created(_logger, Id, upload.Recipients, upload.Invalid, upload.Duplicates);
        StartFeed();
        return State;
    }

    /// <inheritdoc />
    public async ValueTask AbandonUploadAsync()
    {
        _upload = null;
        await _store.DeleteAsync(Id);
    }

    /// <inheritdoc />
    public ValueTask<CampaignProgress?> GetAsync() =>
        ValueTask.FromResult(State.Exists ? new CampaignProgress(State, _feed is null ? 0 : _rate.PerSecond(_time.GetTimestamp())) : null);

    /// <inheritdoc />
    public async ValueTask<bool> PauseAsync(string reason)
    {
        if (State.Status is not (CampaignStatus.Scheduled or CampaignStatus.Running))
        {
            return false;
        }

        State.Status = CampaignStatus.Paused;
        State.PauseReason = reason;
        await _state.WriteStateAsync();
        await StopFeedAsync();
        CampaignLog.Paused(_logger, Id, reason);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ResumeAsync()
    {
        if (State.Status != CampaignStatus.Paused)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        State.Status = State.StartedAt is null && now < State.StartAt ? CampaignStatus.Scheduled : CampaignStatus.Running;
        State.PauseReason = null;
        await _state.WriteStateAsync();
        StartFeed();
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> CancelAsync()
    {
        if (State.Status is CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Expired || !State.Exists)
        {
            return false;
        }

        State.Status = CampaignStatus.Cancelled;
        State.FinishedAt = _time.GetUtcNow();
        await _state.WriteStateAsync();
        await StopFeedAsync();
        return true;
    }

    /// <inheritdoc />
    public ValueTask WakeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already restarted the feed of a sending campaign; a campaign that stopped sending needs no reminder.
        if (reminderName == FeedReminder && State.Status is not (CampaignStatus.Scheduled or CampaignStatus.Running))
        {
            return StopFeedAsync();
        }

        return Task.CompletedTask;
    }

    private void StartFeed()
    {
        if (_feed is not null)
        {
            return;
        }

        _audienceDone = false;
        _window = 0;
        _feed = this.RegisterGrainTimer(FeedAsync, new GrainTimerCreationOptions(TimeSpan.Zero, FeedTick) { KeepAlive = true });

        // Survives this activation: after a restart, or on another silo when this one dies, the campaign wakes and goes on.
        _ = this.RegisterOrUpdateReminder(FeedReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    private async Task StopFeedAsync()
    {
        _feed?.Dispose();
        _feed = null;
        if (await this.GetReminder(FeedReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>One tick of the feed: the campaign's state, then as many recipients as its window has room for.</summary>
    private async Task FeedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = _time.GetUtcNow();
            if (State.Status == CampaignStatus.Scheduled)
            {
                if (State.StartAt > now)
                {
                    return;
                }

                State.Status = CampaignStatus.Running;
                State.StartedAt ??= now;
                await _state.WriteStateAsync(cancellationToken);
            }

            if (State.Status != CampaignStatus.Running)
            {
                await StopFeedAsync();
                return;
            }

            if (_window == 0)
            {
                var lane = await GrainFactory.GetGrain<IPhoneNumberGrain>(State.PhoneNumberId).GetSnapshotAsync();
                _window = Math.Clamp(lane.ThroughputMps * 2, MinWindow, MaxWindow);
            }

            var (open, waiting) = await _store.CountOpenAsync(Id, now, cancellationToken);
            var expired = now >= State.ExpiresAt;
            if (!expired && !_audienceDone)
            {
                // Messages waiting for a retry time (a limit that passes) leave the window to others.
                var room = _window - (int)(open - waiting);
                if (room > 0)
                {
                    await FeedRecipientsAsync(Math.Min(room, Page), cancellationToken);
                    return;
                }
            }

            if (open == 0 && (expired || _audienceDone))
            {
                // Every recipient handed over has an end: messages still accepted when the campaign expired end on their own.
                State.Status = expired ? CampaignStatus.Expired : CampaignStatus.Completed;
                State.FinishedAt = now;
                await _state.WriteStateAsync(cancellationToken);
                await StopFeedAsync();
                CampaignLog.Finished(_logger, Id, State.Status);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A storage or grain hiccup: the next tick tries again from the checkpoint.
            CampaignLog.FeedFailed(_logger, ex, Id);
        }
    }

    private async Task FeedRecipientsAsync(int count, CancellationToken cancellationToken)
    {
        var rows = await _store.ReadAsync(Id, State.Checkpoint, count, cancellationToken);
        if (rows.Count == 0)
        {
            _audienceDone = true;
            return;
        }

        var (category, priority) = CampaignSendClass.Of(State);
        var messages = new List<CampaignMessage>(rows.Count);
        foreach (var row in rows)
        {
            var values = row.Params is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize(row.Params, CampaignJsonContext.Default.DictionaryStringString)!;
            if (CampaignTemplate.Fill(State.TemplateJson, values) is { } filled && CampaignTemplate.Request("+" + row.WaId, filled, State.BizOpaqueCallbackData) is { } request)
            {
                messages.Add(new CampaignMessage(Id, row.Seq, State.PhoneNumberId, request, category, priority, State.ExpiresAt, State.CallbackUrl));
            }
            else
            {
                // Checked at upload; cannot happen unless the stored row was changed.
                CampaignLog.RowUnusable(_logger, Id, row.Seq);
            }
        }

        // Durable before the checkpoint moves past them: from the ledger, the lane takes them (each once, by its key).
        await _messages.AcceptCampaignMessagesAsync(messages);
        _rate.Add(_time.GetTimestamp(), messages.Count);
        State.Checkpoint = rows[^1].Seq;
        if (_time.GetElapsedTime(_checkpointWrittenAt) >= CheckpointInterval)
        {
            _checkpointWrittenAt = _time.GetTimestamp();
            await _state.WriteStateAsync(cancellationToken);
        }
    }

    /// <summary>A recipient's number as WhatsApp keys it (digits), or null when a send to it would be refused: the send rule, E.164's 8 to 15 digits.</summary>
    private static string? WaIdOf(string? to) => WaDispatch.CloudApi.Validation.PhoneNumbers.IsPlausibleE164(to) ? WaDispatch.CloudApi.Validation.PhoneNumbers.Digits(to!) : null;

    private static partial class CampaignLog
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Campaign {CampaignId} created: {Recipients} recipients, {Invalid} invalid rows, {Duplicates} repeated")]
        public static partial void Created(ILogger logger, string campaignId, int recipients, int invalid, int duplicates);

        [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Campaign {CampaignId} paused: {Reason}")]
        public static partial void Paused(ILogger logger, string campaignId, string reason);

        [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "Campaign {CampaignId} {Status}")]
        public static partial void Finished(ILogger logger, string campaignId, CampaignStatus status);

        [LoggerMessage(EventId = 2404, Level = LogLevel.Error, Message = "Campaign {CampaignId}: a tick of its feed failed; the next one goes on from its checkpoint")]
        public static partial void FeedFailed(ILogger logger, Exception exception, string campaignId);

        [LoggerMessage(EventId = 2406, Level = LogLevel.Error, Message = "Campaign {CampaignId}: stored recipient {Seq} does not fill the template; skipped")]
        public static partial void RowUnusable(ILogger logger, string campaignId, int seq);
    }
}
