using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Validation;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Templates;
using WaDispatch.Storage.Campaigns;

namespace WaDispatch.Grains.Campaigns;

/// <summary>
/// Campaigns as the front door asks for them: creation (the definition checked against the template catalog, the
/// audience streamed into its <see cref="ICampaignGrain"/> a chunk at a time, never held whole), views with exact
/// counts from the ledger, and pause, resume and cancel. The sending is the campaign grain's own.
/// </summary>
public sealed class CampaignService
{
    /// <summary>The most characters of <c>biz_opaque_callback_data</c> Meta takes.</summary>
    public const int MaxCallbackDataLength = 512;

    private const int UploadChunk = 1000;

    private readonly IGrainFactory _grains;
    private readonly LaneRoutes _routes;
    private readonly CampaignStore _store;
    private readonly IOptionsMonitor<MessageOptions> _options;
    private readonly IOptionsMonitor<CallbackOptions> _callbacks;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public CampaignService(IGrainFactory grains, LaneRoutes routes, CampaignStore store, IOptionsMonitor<MessageOptions> options, IOptionsMonitor<CallbackOptions> callbacks, TimeProvider time)
    {
        _grains = grains;
        _routes = routes;
        _store = store;
        _options = options;
        _callbacks = callbacks;
        _time = time;
    }

    /// <summary>
    /// Checks <paramref name="request"/>, streams <paramref name="audience"/> into the campaign (invalid rows and
    /// repeated recipients are counted and skipped), creates it and starts it at its start time. A creation that fails
    /// — refused, an unreadable upload, cancelled — leaves nothing behind.
    /// </summary>
    /// <exception cref="AudienceFormatException">The upload's format is wrong as a whole.</exception>
    /// <param name="request">The campaign.</param>
    /// <param name="audience">Its recipients.</param>
    /// <param name="idempotencyKey">The caller's key (scoped): a retry finds the campaign the first request created (<c>Replayed</c>).</param>
    /// <param name="cancellationToken">Stops the upload; nothing is created then.</param>
    public async Task<(CampaignView? Campaign, bool Replayed, CloudApiError? Error)> CreateAsync(CampaignRequest request, IAsyncEnumerable<AudienceEntry> audience, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var upload = await BeginAsync(request, idempotencyKey).ConfigureAwait(false);
        if (upload.CampaignId is not { } id)
        {
            return (upload.Replayed, upload.Replayed is not null, upload.Error);
        }

        try
        {
            var chunk = new List<AudienceEntry>(UploadChunk);
            await foreach (var entry in audience.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(entry);
                if (chunk.Count == UploadChunk)
                {
                    await AppendAsync(id, chunk).ConfigureAwait(false);
                    chunk = new List<AudienceEntry>(UploadChunk);
                }
            }

            await AppendAsync(id, chunk).ConfigureAwait(false);
        }
        catch
        {
            // Unreadable, cut short, cancelled: no campaign, no audience rows, no claimed key.
            await AbandonAsync(id, idempotencyKey).ConfigureAwait(false);
            throw;
        }

        var (campaign, error) = await CompleteAsync(id, idempotencyKey).ConfigureAwait(false);
        return (campaign, false, error);
    }

    /// <summary>Checks a new campaign and starts its upload; or the campaign its idempotency key created earlier.</summary>
    public async Task<FrontDoor.CampaignUpload> BeginAsync(CampaignRequest request, string? idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (state, refused) = await CheckAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return new FrontDoor.CampaignUpload(null, null, refused);
        }

        var id = Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");
        if (idempotencyKey is not null)
        {
            var holder = await _grains.GetGrain<ICampaignKeyGrain>(idempotencyKey).ClaimAsync(id).ConfigureAwait(false);
            if (holder != id)
            {
                return await GetAsync(holder).ConfigureAwait(false) is { } first
                    ? new FrontDoor.CampaignUpload(null, first, null)
                    : new FrontDoor.CampaignUpload(null, null, CloudApiError.Create(ErrorCodes.ServiceUnavailable, "Service unavailable", $"A campaign with this Idempotency-Key ({holder}) is still being created; retry shortly."));
            }
        }

        await _grains.GetGrain<ICampaignGrain>(id).BeginUploadAsync(state!).ConfigureAwait(false);
        return new FrontDoor.CampaignUpload(id, null, null);
    }

    /// <summary>Adds the next rows of an upload's audience.</summary>
    public async Task AppendAsync(string campaignId, IReadOnlyList<AudienceEntry> entries)
    {
        if (entries.Count > 0)
        {
            await _grains.GetGrain<ICampaignGrain>(campaignId).AppendAudienceAsync(entries).ConfigureAwait(false);
        }
    }

    /// <summary>Ends an upload: the campaign with its pre-flight, or why there is none (its key given back then).</summary>
    public async Task<(CampaignView? Campaign, CloudApiError? Error)> CompleteAsync(string campaignId, string? idempotencyKey)
    {
        var state = await _grains.GetGrain<ICampaignGrain>(campaignId).CompleteUploadAsync(_time.GetUtcNow()).ConfigureAwait(false);
        if (!state.Exists)
        {
            await ReleaseAsync(campaignId, idempotencyKey).ConfigureAwait(false);
            var keys = CampaignTemplate.Keys(state.TemplateJson);
            return (null, Invalid($"audience has no recipient to send to: {state.Rows} rows, {state.Invalid} invalid (unreadable, a 'to' that is not a phone number of 8 to 15 digits, or a value for {Keys(keys)} missing), {state.Duplicates} repeated."));
        }

        var route = await _routes.GetAsync(state.PhoneNumberId).ConfigureAwait(false);
        var preflight = await _grains.GetGrain<IBusinessGrain>(route.BusinessId).PreflightAsync(state.PhoneNumberId, state.Recipients).ConfigureAwait(false);
        return ((await GetAsync(campaignId).ConfigureAwait(false))! with { Preflight = preflight }, null);
    }

    /// <summary>Abandons an upload: its rows go, its key is given back.</summary>
    public async Task AbandonAsync(string campaignId, string? idempotencyKey)
    {
        await _grains.GetGrain<ICampaignGrain>(campaignId).AbandonUploadAsync().ConfigureAwait(false);
        await ReleaseAsync(campaignId, idempotencyKey).ConfigureAwait(false);
    }

    /// <summary>The campaign with its counts, rate and ETA; null when there is none.</summary>
    public async Task<CampaignView?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await _grains.GetGrain<ICampaignGrain>(id).GetAsync().ConfigureAwait(false) is not { State: var state, RateMps: var rate })
        {
            return null;
        }

        var counts = Count(state, await _store.CountAsync(id, cancellationToken).ConfigureAwait(false));
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

    /// <summary>Pauses a scheduled or running campaign; messages it already handed over (about two seconds' worth) still go.</summary>
    public Task<bool> PauseAsync(string id, string reason) => _grains.GetGrain<ICampaignGrain>(id).PauseAsync(reason).AsTask();

    /// <summary>Resumes a paused campaign from its checkpoint.</summary>
    public Task<bool> ResumeAsync(string id) => _grains.GetGrain<ICampaignGrain>(id).ResumeAsync().AsTask();

    /// <summary>Cancels a campaign that has not ended: recipients not yet handed over never are.</summary>
    public Task<bool> CancelAsync(string id) => _grains.GetGrain<ICampaignGrain>(id).CancelAsync().AsTask();

    /// <summary>Pauses every sending campaign of template <paramref name="name"/> (<paramref name="language"/>) in WABA <paramref name="wabaId"/>: Meta paused or disabled it.</summary>
    public async Task PauseForTemplateAsync(string wabaId, string name, string language, string status)
    {
        foreach (var id in await _grains.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).ListAsync().ConfigureAwait(false))
        {
            if (await _grains.GetGrain<ICampaignGrain>(id).GetAsync().ConfigureAwait(false) is { State: { Status: CampaignStatus.Scheduled or CampaignStatus.Running } state }
                && state.WabaId == wabaId && state.TemplateName == name && state.TemplateLanguage == language)
            {
                await PauseAsync(id, $"Template {name} ({language}) is {status} at Meta; resume once it is approved again.").ConfigureAwait(false);
            }
        }
    }

    private async Task ReleaseAsync(string campaignId, string? idempotencyKey)
    {
        if (idempotencyKey is not null)
        {
            await _grains.GetGrain<ICampaignKeyGrain>(idempotencyKey).ReleaseAsync(campaignId).ConfigureAwait(false);
        }
    }

    private async Task<(CampaignState? State, CloudApiError? Error)> CheckAsync(CampaignRequest request)
    {
        string templateJson;
        try
        {
            using var definition = JsonDocument.Parse(request.TemplateJson);
            if (definition.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Invalid("template must be a template object: name, language and components."));
            }

            templateJson = CampaignTemplate.Json(definition.RootElement);
        }
        catch (JsonException)
        {
            return (null, Invalid("template must be a template object (JSON): name, language and components."));
        }

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

        // Fresh, not kept: the campaign stores the WABA, and is paused by that WABA's template events for its whole life.
        var route = await _routes.GetFreshAsync(request.PhoneNumberId).ConfigureAwait(false);
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

    private static string Keys(IReadOnlySet<string> keys) => keys.Count == 0 ? "no key" : string.Join(", ", keys.Order(StringComparer.Ordinal));

    private static CloudApiError Invalid(string details) => CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", details);

    private static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
