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
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Pacing;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Runtime;
using WaDispatch.Storage.Campaigns;

namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// Creates campaigns and sends them. The audience is streamed into storage as it is uploaded; a feed per
/// running campaign reads it in order and hands each recipient to <see cref="MessageService"/> (one
/// ledger message per campaign and recipient, by idempotency key), keeping a window of about two seconds
/// of the lane's tier in flight so that a pause takes effect quickly. The checkpoint advances over
/// recipients whose send is done; a resume or restart starts from it, and recipients already in the ledger
/// are not sent again. A campaign completes when every recipient has an end.
/// </summary>
public sealed partial class CampaignRunner : IHostedService, IDisposable
{
    /// <summary>The most characters of <c>biz_opaque_callback_data</c> Meta takes.</summary>
    public const int MaxCallbackDataLength = 512;

    private const int UploadBatch = 1000;
    private const int Page = 500;
    private const int MinWindow = 20;
    private const int MaxWindow = 5000;
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CompletionPoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FeedRetry = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly CampaignStore _store;
    private readonly MessageService _messages;
    private readonly IOptionsMonitor<MessageOptions> _options;
    private readonly IOptionsMonitor<CallbackOptions> _callbacks;
    private readonly DispatchMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<CampaignRunner> _logger;
    private readonly ConcurrentDictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _disposed;

    /// <summary>Creates the runner.</summary>
    public CampaignRunner(IGrainFactory grains, CampaignStore store, MessageService messages, IOptionsMonitor<MessageOptions> options, IOptionsMonitor<CallbackOptions> callbacks, DispatchMetrics metrics, TimeProvider time, ILogger<CampaignRunner> logger)
    {
        _metrics = metrics;
        _callbacks = callbacks;
        _grains = grains;
        _store = store;
        _messages = messages;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Checks <paramref name="request"/>, streams <paramref name="audience"/> into storage (invalid rows and
    /// repeated recipients are counted and skipped), creates the campaign and starts it at its start time.
    /// </summary>
    /// <exception cref="AudienceFormatException">The upload's format is wrong as a whole.</exception>
    /// <param name="request">The campaign.</param>
    /// <param name="audience">Its recipients.</param>
    /// <param name="idempotencyKey">The caller's key (scoped): a retry finds the campaign the first request created (<c>Replayed</c>).</param>
    /// <param name="cancellationToken">Stops the upload; nothing is created then.</param>
    public async Task<(CampaignView? Campaign, bool Replayed, CloudApiError? Error)> CreateAsync(CampaignRequest request, IAsyncEnumerable<AudienceEntry> audience, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(audience);
        var id = Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");
        if (idempotencyKey is not null)
        {
            var holder = await _grains.GetGrain<ICampaignKeyGrain>(idempotencyKey).ClaimAsync(id).ConfigureAwait(false);
            if (holder != id)
            {
                return await GetAsync(holder, cancellationToken).ConfigureAwait(false) is { } first
                    ? (first, true, null)
                    : (null, false, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", $"A campaign with this Idempotency-Key ({holder}) is still being created; retry shortly."));
            }
        }

        try
        {
            var (campaign, error) = await CreateAsync(id, request, audience, cancellationToken).ConfigureAwait(false);
            if (campaign is null)
            {
                await AbandonAsync(id, idempotencyKey).ConfigureAwait(false);
            }

            return (campaign, false, error);
        }
        catch
        {
            // A failed upload (unreadable, cut short, cancelled) leaves no campaign, no audience rows and no claimed key.
            await AbandonAsync(id, idempotencyKey).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Undoes a creation that failed: its audience rows go, its idempotency key is given back.</summary>
    private async Task AbandonAsync(string id, string? idempotencyKey)
    {
        await _store.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false);
        if (idempotencyKey is not null)
        {
            await _grains.GetGrain<ICampaignKeyGrain>(idempotencyKey).ReleaseAsync(id).ConfigureAwait(false);
        }
    }

    private async Task<(CampaignView? Campaign, CloudApiError? Error)> CreateAsync(string id, CampaignRequest request, IAsyncEnumerable<AudienceEntry> audience, CancellationToken cancellationToken)
    {
        var (state, refused) = await CheckAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return (null, refused);
        }

        var keys = CampaignTemplate.Keys(state!.TemplateJson);
        var batch = new List<AudienceRow>(UploadBatch);
        var seq = 0;
        await foreach (var entry in audience.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            state.Rows++;
            if (WaIdOf(entry.To) is not { } waId || !keys.All(entry.Values.ContainsKey) || entry.Values.Values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
            {
                state.Invalid++;
                continue;
            }

            var values = entry.Values.Count == 0 ? null : JsonSerializer.Serialize(entry.Values.Where(v => keys.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), CampaignJsonContext.Default.DictionaryStringString);
            batch.Add(new AudienceRow(++seq, waId, values));
            if (batch.Count == UploadBatch)
            {
                await AddAsync(id, batch, state, cancellationToken).ConfigureAwait(false);
            }
        }

        await AddAsync(id, batch, state, cancellationToken).ConfigureAwait(false);
        if (state.Recipients == 0)
        {
            return (null, Invalid($"audience has no recipient to send to: {state.Rows} rows, {state.Invalid} invalid (unreadable, a 'to' that is not a phone number of 8 to 15 digits, or a value for {Keys(keys)} missing), {state.Duplicates} repeated."));
        }

        state.CreatedAt = _time.GetUtcNow();
        await _grains.GetGrain<ICampaignGrain>(id).CreateAsync(state).ConfigureAwait(false);
        await _grains.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).AddAsync(id).ConfigureAwait(false);
        var route = await _grains.GetGrain<IPhoneNumberGrain>(state.PhoneNumberId).GetRouteAsync().ConfigureAwait(false);
        var preflight = await _grains.GetGrain<IBusinessGrain>(route.BusinessId).PreflightAsync(state.PhoneNumberId, state.Recipients).ConfigureAwait(false);
        Log.Created(_logger, id, state.Recipients, state.Invalid, state.Duplicates);
        StartFeed(id);
        return ((await GetAsync(id, cancellationToken).ConfigureAwait(false))! with { Preflight = preflight }, null);
    }

    /// <summary>The campaign with its counts, rate and ETA; null when there is none.</summary>
    public async Task<CampaignView?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await _grains.GetGrain<ICampaignGrain>(id).GetAsync().ConfigureAwait(false) is not { } state)
        {
            return null;
        }

        var counts = Count(state, await _store.CountAsync(id, cancellationToken).ConfigureAwait(false));
        var rate = _feeds.TryGetValue(id, out var feed) ? feed.Rate() : 0;
        return new CampaignView
        {
            Id = id,
            Status = state.Status,
            PauseReason = state.PauseReason,
            PhoneNumberId = state.PhoneNumberId,
            TemplateName = state.TemplateName,
            TemplateLanguage = state.TemplateLanguage,
            Category = state.Category,
            CreatedAt = state.CreatedAt,
            StartAt = state.StartAt,
            ExpiresAt = state.ExpiresAt,
            StartedAt = state.StartedAt,
            FinishedAt = state.FinishedAt,
            Counts = counts,
            RateMps = rate,
            Eta = rate > 0 && state.Status == CampaignStatus.Running ? _time.GetUtcNow() + TimeSpan.FromSeconds(counts.Pending / (double)rate) : null,
        };
    }

    /// <summary>Every campaign, oldest first.</summary>
    public async Task<List<CampaignView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var views = new List<CampaignView>();
        foreach (var id in await _grains.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).ListAsync().ConfigureAwait(false))
        {
            if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is { } view)
            {
                views.Add(view);
            }
        }

        return views;
    }

    /// <summary>Pauses a scheduled or running campaign; messages already in the lane (about two seconds' worth) still go.</summary>
    public async Task<bool> PauseAsync(string id, string reason)
    {
        if (!await _grains.GetGrain<ICampaignGrain>(id).PauseAsync(reason).ConfigureAwait(false))
        {
            return false;
        }

        Log.Paused(_logger, id, reason);

        // Not waiting for the sends already in the lane: a stopped lane may hold them until they expire.
        await StopFeedAsync(id, wait: false).ConfigureAwait(false);
        return true;
    }

    /// <summary>Resumes a paused campaign from its checkpoint.</summary>
    public async Task<bool> ResumeAsync(string id)
    {
        if (!await _grains.GetGrain<ICampaignGrain>(id).ResumeAsync(_time.GetUtcNow()).ConfigureAwait(false))
        {
            return false;
        }

        await StopFeedAsync(id, wait: true).ConfigureAwait(false);
        StartFeed(id);
        return true;
    }

    /// <summary>Cancels a campaign that has not ended: recipients not yet sent to never are.</summary>
    public async Task<bool> CancelAsync(string id)
    {
        if (!await _grains.GetGrain<ICampaignGrain>(id).CancelAsync(_time.GetUtcNow()).ConfigureAwait(false))
        {
            return false;
        }

        await StopFeedAsync(id, wait: false).ConfigureAwait(false);
        return true;
    }

    /// <summary>Pauses every sending campaign of template <paramref name="name"/> (<paramref name="language"/>) in WABA <paramref name="wabaId"/>: Meta paused or disabled it.</summary>
    public async Task PauseForTemplateAsync(string wabaId, string name, string language, string status)
    {
        foreach (var id in await _grains.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).ListAsync().ConfigureAwait(false))
        {
            if (await _grains.GetGrain<ICampaignGrain>(id).GetAsync().ConfigureAwait(false) is { Status: CampaignStatus.Scheduled or CampaignStatus.Running } state
                && state.WabaId == wabaId && state.TemplateName == name && state.TemplateLanguage == language)
            {
                await PauseAsync(id, $"Template {name} ({language}) is {status} at Meta; resume once it is approved again.").ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(ResumeAllAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            return;
        }

        // Feeds stop taking recipients; what they handed out finishes or stays durably in the ledger.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_feeds.Values.Select(f => f.Stop())).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _stopping.Dispose();
    }

    private async Task ResumeAllAsync()
    {
        try
        {
            foreach (var id in await _grains.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).ListAsync().ConfigureAwait(false))
            {
                if (await _grains.GetGrain<ICampaignGrain>(id).GetAsync().ConfigureAwait(false) is { Status: CampaignStatus.Scheduled or CampaignStatus.Running })
                {
                    StartFeed(id);
                }
            }
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            Log.ResumeFailed(_logger, ex);
        }
        catch (Exception)
        {
            // Shutting down.
        }
    }

    private async Task<(CampaignState? State, CloudApiError? Error)> CheckAsync(CampaignRequest request)
    {
        if (request.Template.ValueKind != JsonValueKind.Object)
        {
            return (null, Invalid("template must be a template object: name, language and components."));
        }

        var templateJson = CampaignTemplate.Json(request.Template);
        var sample = CampaignTemplate.Request("16505550100", CampaignTemplate.Sample(templateJson), request.BizOpaqueCallbackData);
        if (sample is null)
        {
            return (null, Invalid("template is not a valid template object (name, language, components)."));
        }

        if (SendMessageValidator.Validate(sample) is { } invalid)
        {
            return (null, invalid with { ErrorData = invalid.ErrorData is { } data ? data with { Details = "template: " + data.Details } : null });
        }

        if (request.Category is { } given && MessageDispatcher.CategoryOf(given) is null)
        {
            return (null, Invalid($"category must be MARKETING, UTILITY or AUTHENTICATION, not '{given}'."));
        }

        if (request.Priority is not (null or "normal" or "high"))
        {
            return (null, Invalid($"priority must be normal or high, not '{request.Priority}'."));
        }

        if (request.BizOpaqueCallbackData is { Length: > MaxCallbackDataLength } callback)
        {
            return (null, Invalid($"biz_opaque_callback_data is {callback.Length} characters long; the limit is {MaxCallbackDataLength}."));
        }

        if (CallbackUrls.Check(request.CallbackUrl, "callback_url", _callbacks.CurrentValue) is { } badCallback)
        {
            return (null, Invalid(badCallback));
        }

        var now = _time.GetUtcNow();
        var startAt = request.StartAt ?? now;
        var expiresAt = request.ExpiresAt ?? startAt + _options.CurrentValue.DefaultExpiry;
        var maxExpiry = _options.CurrentValue.MaxExpiry;
        if (expiresAt <= now || expiresAt <= startAt)
        {
            return (null, Invalid($"expires_at ({Format(expiresAt)}) must be after now and after start_at ({Format(startAt)})."));
        }

        if (expiresAt > now + maxExpiry)
        {
            return (null, Invalid($"expires_at ({Format(expiresAt)}) is more than {maxExpiry.TotalDays:0.##} days ahead (Messages:MaxExpiry)."));
        }

        var template = sample.Template!;
        var category = request.Category?.ToUpperInvariant() ?? "MARKETING";
        var route = await _grains.GetGrain<IPhoneNumberGrain>(request.PhoneNumberId).GetRouteAsync().ConfigureAwait(false);
        if (route.WabaId is { } wabaId)
        {
            // The catalog's word on the template: its shape, its status, its category.
            var lookup = await _grains.GetGrain<ITemplateCatalogGrain>(wabaId).LookupAsync(template.Name!, template.Language!.Code!).ConfigureAwait(false);
            if (lookup.Template is { } stored)
            {
                if (TemplateCheck.Check(stored, template) is { } misfit)
                {
                    return (null, misfit);
                }

                category = stored.Category?.ToUpperInvariant() ?? category;
            }
            else if (lookup.Synced)
            {
                return (null, CloudApiError.Create(ErrorCodes.TemplateDoesNotExist, "Template name does not exist in the translation", $"Template {template.Name} ({template.Language.Code}) is not in the catalog of WABA {wabaId}."));
            }
        }

        return (new CampaignState
        {
            PhoneNumberId = request.PhoneNumberId,
            WabaId = route.WabaId,
            TemplateName = template.Name!,
            TemplateLanguage = template.Language!.Code!,
            TemplateJson = templateJson,
            Category = category,
            HighPriority = request.Priority == "high",
            BizOpaqueCallbackData = request.BizOpaqueCallbackData,
            CallbackUrl = request.CallbackUrl,
            StartAt = startAt,
            ExpiresAt = expiresAt,
            Status = CampaignStatus.Scheduled,
        }, null);
    }

    private async Task AddAsync(string id, List<AudienceRow> batch, CampaignState state, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var added = await _store.AddAsync(id, batch, cancellationToken).ConfigureAwait(false);
        state.Recipients += added.Count;
        state.Duplicates += batch.Count - added.Count;
        batch.Clear();
    }

    private void StartFeed(string id)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var feed = new Feed(_time, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        if (_feeds.TryAdd(id, feed))
        {
            feed.Task = Task.Run(() => FeedAsync(id, feed), CancellationToken.None);
        }
        else
        {
            feed.Dispose();
        }
    }

    /// <summary>Stops the feed of <paramref name="id"/>; waits for what it handed out only when <paramref name="wait"/> (a resume must not start a second feed beside it).</summary>
    private async Task StopFeedAsync(string id, bool wait)
    {
        if (_feeds.TryGetValue(id, out var feed))
        {
            var stopping = feed.Stop();
            if (wait)
            {
                await stopping.ConfigureAwait(false);
            }
        }
    }

    private async Task RestartFeedAsync(string id, Feed failed)
    {
        try
        {
            await failed.Task.ConfigureAwait(false);
            await Task.Delay(FeedRetry, TimeProvider.System, _stopping.Token).ConfigureAwait(false);
            StartFeed(id);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the next start resumes it.
        }
    }

    /// <summary>One campaign's sending: passes over the audience from the checkpoint until every recipient has an end.</summary>
    private async Task FeedAsync(string id, Feed feed)
    {
        var token = feed.Token;
        var campaign = _grains.GetGrain<ICampaignGrain>(id);
        try
        {
            var state = await campaign.GetAsync().ConfigureAwait(false);
            if (state is not { Status: CampaignStatus.Scheduled or CampaignStatus.Running })
            {
                return;
            }

            if (state.StartAt > _time.GetUtcNow())
            {
                await Task.Delay(state.StartAt - _time.GetUtcNow(), _time, token).ConfigureAwait(false);
            }

            state = await campaign.StartedAsync(_time.GetUtcNow()).ConfigureAwait(false);
            if (state.Status != CampaignStatus.Running)
            {
                return;
            }

            feed.StartFrom(state.Checkpoint);
            var lane = await _grains.GetGrain<IPhoneNumberGrain>(state.PhoneNumberId).GetSnapshotAsync().ConfigureAwait(false);
            var window = Math.Clamp(lane.ThroughputMps * 2, MinWindow, MaxWindow);
            while (!token.IsCancellationRequested)
            {
                var expired = await PassAsync(id, state, feed, window, token).ConfigureAwait(false);
                await campaign.CheckpointAsync(feed.Checkpoint).ConfigureAwait(false);
                if (token.IsCancellationRequested)
                {
                    return;
                }

                var counts = await _store.CountAsync(id, token).ConfigureAwait(false);
                var inLedger = counts.Sum(c => c.Count);
                var open = counts.Where(c => c.Status is MessageStatuses.Accepted or MessageStatuses.Sending).Sum(c => c.Count);
                if (expired || _time.GetUtcNow() >= state.ExpiresAt)
                {
                    // Messages already accepted end on their own (expired at the latest); nobody else is reached.
                    if (open == 0)
                    {
                        await campaign.FinishAsync(CampaignStatus.Expired, _time.GetUtcNow()).ConfigureAwait(false);
                        Log.Finished(_logger, id, CampaignStatus.Expired);
                        return;
                    }
                }
                else if (inLedger >= state.Recipients && open == 0)
                {
                    await campaign.FinishAsync(CampaignStatus.Completed, _time.GetUtcNow()).ConfigureAwait(false);
                    Log.Finished(_logger, id, CampaignStatus.Completed);
                    return;
                }

                // Deferred messages wait in the ledger, or a recipient could not be handed over: look again shortly
                // (on the system clock: this is polling, not the campaign's time).
                await Task.Delay(CompletionPoll, TimeProvider.System, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            // A storage or grain hiccup: the campaign is still running, so its feed starts again from the checkpoint.
            Log.FeedFailed(_logger, ex, id);
            _ = RestartFeedAsync(id, feed);
        }
        finally
        {
            try
            {
                await campaign.CheckpointAsync(feed.Checkpoint).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is GrainRuntimeStoppedException or GrainOverloadedException)
            {
                // The ledger still knows every recipient handed over; the next run passes them quickly.
            }

            _feeds.TryRemove(new KeyValuePair<string, Feed>(id, feed));
            feed.Dispose();
        }
    }

    /// <summary>One pass over the audience after the checkpoint; waits for what it handed out. True when the campaign's expiry stopped it.</summary>
    private async Task<bool> PassAsync(string id, CampaignState state, Feed feed, int window, CancellationToken token)
    {
        using var slots = new SemaphoreSlim(window);
        var (category, priority) = SendClassOf(state);
        var fed = feed.Checkpoint;
        var expired = false;
        try
        {
            while (!expired)
            {
                var rows = await _store.ReadAsync(id, fed, Page, token).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    break;
                }

                foreach (var row in rows)
                {
                    if (_time.GetUtcNow() >= state.ExpiresAt)
                    {
                        expired = true;
                        break;
                    }

                    await slots.WaitAsync(token).ConfigureAwait(false);
                    fed = row.Seq;
                    feed.Fed(row.Seq);
                    _ = SendAsync(id, state, row, category, priority, feed, slots);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            // Everything handed out finishes (or waits durably in the ledger) before the checkpoint is written,
            // and before the semaphore its sends release is disposed, whatever ended the pass.
            for (var i = 0; i < window; i++)
            {
                await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        return expired;
    }

    private async Task SendAsync(string id, CampaignState state, AudienceRow row, MessageCategory category, SendPriority priority, Feed feed, SemaphoreSlim slots)
    {
        try
        {
            var values = row.Params is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize(row.Params, CampaignJsonContext.Default.DictionaryStringString)!;
            var request = CampaignTemplate.Fill(state.TemplateJson, values) is { } filled ? CampaignTemplate.Request("+" + row.WaId, filled, state.BizOpaqueCallbackData) : null;
            if (request is null)
            {
                // Checked at upload; cannot happen unless the stored row was changed.
                Log.RowUnusable(_logger, id, row.Seq);
                feed.Done(row.Seq, sent: false);
                return;
            }

            var result = await _messages.SendCampaignMessageAsync(new CampaignMessage(id, row.Seq, state.PhoneNumberId, request, category, priority, state.ExpiresAt, state.CallbackUrl)).ConfigureAwait(false);
            feed.Done(row.Seq, sent: result?.Response is not null);
            if (result is not null)
            {
                _metrics.CampaignSend(id, result.Response is not null);
            }
            if (feed.CheckpointDue(CheckpointInterval))
            {
                await _grains.GetGrain<ICampaignGrain>(id).CheckpointAsync(feed.Checkpoint).ConfigureAwait(false);
            }

            if (result?.Error is { Code: ErrorCodes.TemplatePaused or ErrorCodes.TemplateDisabled } held)
            {
                _ = PauseAsync(id, held.Details);
            }
        }
        catch (Exception ex)
        {
            // Not done: the checkpoint stays before it, and the next pass hands it over again (once, by its key).
            Log.SendFailed(_logger, ex, id, row.Seq);
        }
        finally
        {
            slots.Release();
        }
    }

    private static CampaignCounts Count(CampaignState state, List<CampaignMessageCount> counts)
    {
        long sent = 0, delivered = 0, read = 0, expired = 0, open = 0, inLedger = 0;
        var failed = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var skipped = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var deferred = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var count in counts)
        {
            inLedger += count.Count;
            switch (count.Status)
            {
                case MessageStatuses.Sent or MessageStatuses.Delivered or MessageStatuses.Read:
                    sent += count.Count;
                    delivered += count.Status is MessageStatuses.Delivered or MessageStatuses.Read ? count.Count : 0;
                    read += count.Status == MessageStatuses.Read ? count.Count : 0;
                    break;
                case MessageStatuses.Failed:
                    Add(failed, count.ErrorCode.ToString(CultureInfo.InvariantCulture), count.Count);
                    break;
                case MessageStatuses.Skipped:
                    Add(skipped, count.Reason.Length > 0 ? count.Reason : "other", count.Count);
                    break;
                case MessageStatuses.Expired:
                    expired += count.Count;
                    break;
                case MessageStatuses.Accepted when count.Waiting:
                    Add(deferred, DeferralOf(count.ErrorCode), count.Count);
                    break;
                default:
                    open += count.Count;
                    break;
            }
        }

        if (state.Invalid > 0)
        {
            Add(skipped, "invalid", state.Invalid);
        }

        if (state.Duplicates > 0)
        {
            Add(skipped, "duplicate", state.Duplicates);
        }

        var notReached = Math.Max(0, state.Recipients - inLedger);
        return new CampaignCounts
        {
            Rows = state.Rows,
            Recipients = state.Recipients,
            Pending = open + (state.Status is CampaignStatus.Cancelled or CampaignStatus.Expired ? 0 : notReached),
            Sent = sent,
            Delivered = delivered,
            Read = read,
            Failed = failed,
            Skipped = skipped,
            Deferred = deferred,
            Expired = expired + (state.Status == CampaignStatus.Expired ? notReached : 0),
            Cancelled = state.Status == CampaignStatus.Cancelled ? notReached : 0,
        };
    }

    private static void Add(SortedDictionary<string, long> counts, string key, long count) =>
        counts[key] = counts.GetValueOrDefault(key) + count;

    /// <summary>Why a message waits, by the code that held it back.</summary>
    private static string DeferralOf(int code) => code switch
    {
        ErrorCodes.MessagingLimitReached => "messaging_limit",
        ErrorCodes.MarketingCapReached or ErrorCodes.LegacyMarketingCapReached => "marketing_cap",
        ErrorCodes.TemplatePaused => "template_paused",
        ErrorCodes.TemplateDisabled => "template_disabled",
        ErrorCodes.ServiceUnavailable => "unavailable",
        0 => "other",
        _ => "lane_" + code.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>How a campaign's messages go: their category (MARKETING when unknown) and the lane's priority class.</summary>
    internal static (MessageCategory Category, SendPriority Priority) SendClassOf(CampaignState state)
    {
        var category = MessageDispatcher.CategoryOf(state.Category) ?? MessageCategory.Marketing;
        return (category, state.HighPriority ? SendPriority.Transactional : MessageDispatcher.PriorityOf(category));
    }

    /// <summary>A recipient's number as WhatsApp keys it (digits), or null when a send to it would be refused: the send rule, E.164's 8 to 15 digits.</summary>
    private static string? WaIdOf(string? to) => PhoneNumbers.IsPlausibleE164(to) ? PhoneNumbers.Digits(to!) : null;

    private static string Keys(IReadOnlySet<string> keys) => keys.Count == 0 ? "no key" : string.Join(", ", keys.Order(StringComparer.Ordinal));

    private static CloudApiError Invalid(string details) => CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", details);

    private static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A running feed: its stop switch, its checkpoint over the recipients handed out, and its send rate.</summary>
    private sealed class Feed(TimeProvider time, CancellationTokenSource stop) : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly Queue<int> _fed = new();
        private readonly HashSet<int> _done = [];
        private readonly RateMeter _rate = new(time);
        private long _lastCheckpoint = time.GetTimestamp();
        private int _checkpoint = -1;

        public Task Task { get; set; } = Task.CompletedTask;

        public CancellationToken Token => stop.Token;

        /// <summary>Every recipient up to here is done; starts from the grain's checkpoint.</summary>
        public int Checkpoint
        {
            get
            {
                lock (_lock)
                {
                    return Math.Max(_checkpoint, 0);
                }
            }
        }

        public void StartFrom(int checkpoint)
        {
            lock (_lock)
            {
                _checkpoint = Math.Max(_checkpoint, checkpoint);
            }
        }

        public void Fed(int seq)
        {
            lock (_lock)
            {
                _fed.Enqueue(seq);
            }
        }

        public void Done(int seq, bool sent)
        {
            lock (_lock)
            {
                _done.Add(seq);
                while (_fed.TryPeek(out var next) && _done.Remove(next))
                {
                    _checkpoint = _fed.Dequeue();
                }

                if (sent)
                {
                    _rate.Add(time.GetTimestamp());
                }
            }
        }

        public bool CheckpointDue(TimeSpan interval)
        {
            lock (_lock)
            {
                if (time.GetElapsedTime(_lastCheckpoint) < interval)
                {
                    return false;
                }

                _lastCheckpoint = time.GetTimestamp();
                return true;
            }
        }

        public long Rate()
        {
            lock (_lock)
            {
                return _rate.PerSecond(time.GetTimestamp());
            }
        }

        public async Task Stop()
        {
            try
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // Already over.
            }

            await Task.ConfigureAwait(false);
        }

        public void Dispose() => stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Campaign {CampaignId} created: {Recipients} recipients, {Invalid} invalid rows, {Duplicates} repeated")]
        public static partial void Created(ILogger logger, string campaignId, int recipients, int invalid, int duplicates);

        [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Campaign {CampaignId} paused: {Reason}")]
        public static partial void Paused(ILogger logger, string campaignId, string reason);

        [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "Campaign {CampaignId} {Status}")]
        public static partial void Finished(ILogger logger, string campaignId, CampaignStatus status);

        [LoggerMessage(EventId = 2404, Level = LogLevel.Error, Message = "Campaign {CampaignId}: its feed failed; it starts again from its checkpoint in a few seconds")]
        public static partial void FeedFailed(ILogger logger, Exception exception, string campaignId);

        [LoggerMessage(EventId = 2405, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: recipient {Seq} could not be handed over; the next pass tries again")]
        public static partial void SendFailed(ILogger logger, Exception exception, string campaignId, int seq);

        [LoggerMessage(EventId = 2406, Level = LogLevel.Error, Message = "Campaign {CampaignId}: stored recipient {Seq} does not fill the template; skipped")]
        public static partial void RowUnusable(ILogger logger, string campaignId, int seq);

        [LoggerMessage(EventId = 2407, Level = LogLevel.Error, Message = "Resuming campaigns at start-up failed")]
        public static partial void ResumeFailed(ILogger logger, Exception exception);
    }
}
