using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Management;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Webhooks;

namespace WaDispatch.Grains.Wabas;

/// <summary>
/// One WABA: its webhook subscription, checked and mended with management calls paced under Meta's management rate
/// limit (a moving-hour budget, Meta's throttling and usage headers), and its account state from Meta's account
/// webhooks, which stop its numbers' lanes while it is banned or restricted and resume them after. Management calls
/// travel on their own connection pool and never wait on, or hold up, a lane.
/// </summary>
public sealed class WabaGrain : Grain, IWabaGrain, IRemindable
{
    /// <summary>The reminder that lifts a restriction when it ends.</summary>
    private const string RestrictionReminder = "restriction-ends";

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>How soon a settle after activation that failed is tried again.</summary>
    private static readonly TimeSpan SettleRetry = TimeSpan.FromSeconds(30);

    private readonly IPersistentState<WabaState> _state;
    private readonly IWabaManagement _management;
    private readonly IOptionsMonitor<WebhookOptions> _options;
    private readonly DispatchMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WabaGrain> _logger;
    private IGrainTimer? _firstCheck;
    private IGrainTimer? _settle;

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public WabaGrain(
        [PersistentState("waba")] IPersistentState<WabaState> state,
        IWabaManagement management,
        IOptionsMonitor<WebhookOptions> options,
        DispatchMetrics metrics,
        TimeProvider time,
        ILogger<WabaGrain> logger)
    {
        _state = state;
        _management = management;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    private string WabaId => this.GetPrimaryKeyString();

    private WabaState State => _state.State;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        PublishStatus();
        var now = _time.GetUtcNow();
        var blocked = AccountEvents.LanesBlockedBy(WabaId, State.Account, now);
        if (blocked?.Details != State.Account.LanesStoppedFor?.Details || AccountEvents.NextExpiry(State.Account, now) is not null)
        {
            // Reminders live in memory on a single node: a restriction that ended while the silo was down, or whose
            // reminder went with it, is settled again right after activation (lanes resumed, the reminder set anew).
            _settle = this.RegisterGrainTimer(SettleAfterActivationAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Another silo's activation publishes it from now on.
        _metrics.WabaSubscribed(WabaId, null);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask AddPhoneNumberAsync(string phoneNumberId)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        if (!State.PhoneNumberIds.Contains(phoneNumberId, StringComparer.Ordinal))
        {
            if (State.Account.LanesStoppedFor is { } reason)
            {
                // A number added to a banned or restricted WABA cannot send either.
                await GrainFactory.GetGrain<IPhoneNumberGrain>(phoneNumberId).StopAsync(StopReasonOf(reason));
            }

            State.PhoneNumberIds.Add(phoneNumberId);
            await _state.WriteStateAsync();
        }

        if (State.Subscription.CheckedAt is null && _firstCheck is null)
        {
            // A WABA seen for the first time: its subscription is checked right after this call, not in it.
            _firstCheck = this.RegisterGrainTimer(FirstCheckAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }
    }

    /// <inheritdoc />
    public async ValueTask<WabaCallResult> CheckSubscriptionAsync(bool subscribeWhenMissing, bool force = false)
    {
        var now = _time.GetUtcNow();
        var subscription = State.Subscription;
        if (!force && subscription is { CheckedAt: { } checkedAt, Status: not WabaSubscriptionStatuses.Unknown } && now - checkedAt < _options.CurrentValue.SubscriptionCheckInterval / 2)
        {
            // Checked lately (another silo's round, an operator): no call spent on telling it again.
            return new WabaCallResult(Current(now), null, null);
        }

        var (list, failed) = await CallAsync(static (management, waba) => management.ListSubscribedAppsAsync(waba));
        if (failed is not null)
        {
            return failed;
        }

        var appId = _options.CurrentValue.AppId;
        var ours = list!.Apps?.FirstOrDefault(a => appId is null || string.Equals(a.Id, appId, StringComparison.Ordinal));
        var checkedNow = _time.GetUtcNow();
        SetSubscription(State.Subscription with
        {
            Status = ours is null ? WabaSubscriptionStatuses.NotSubscribed : WabaSubscriptionStatuses.Subscribed,
            CheckedAt = checkedNow,
            OverrideCallbackUri = ours?.OverrideCallbackUri,
            LastError = null,
        });
        if (ours is null && subscribeWhenMissing && !State.Subscription.UnsubscribedByOperator)
        {
            // Mended the way it was made: with the WABA's own callback when an operator gave one.
            await _state.WriteStateAsync();
            return await SubscribeCoreAsync(State.Callback);
        }

        await _state.WriteStateAsync();
        return new WabaCallResult(Current(checkedNow), null, null);
    }

    /// <inheritdoc />
    public async ValueTask<WabaCallResult> SubscribeAsync(WabaCallback? callback) => await SubscribeCoreAsync(callback);

    /// <inheritdoc />
    public async ValueTask<WabaCallResult> UnsubscribeAsync()
    {
        var (_, failed) = await CallAsync(static (management, waba) => management.UnsubscribeAppAsync(waba));
        if (failed is not null)
        {
            return failed;
        }

        var now = _time.GetUtcNow();
        State.Callback = null;
        SetSubscription(State.Subscription with { Status = WabaSubscriptionStatuses.NotSubscribed, CheckedAt = now, OverrideCallbackUri = null, LastError = null, UnsubscribedByOperator = true });
        await _state.WriteStateAsync();
        WabaLog.Unsubscribed(_logger, WabaId);
        return new WabaCallResult(Current(now), null, null);
    }

    /// <inheritdoc />
    public async ValueTask ApplyAccountEventAsync(string field, string value, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(value);
        WabaAccount account;
        try
        {
            account = AccountEvents.Apply(State.Account, field, value, at);
        }
        catch (JsonException ex)
        {
            // A value Meta shaped unexpectedly is kept in the ledger of account events; the state stays as it was.
            WabaLog.EventSkipped(_logger, WabaId, field, ex.Message);
            return;
        }

        await SettleAsync(account);
    }

    /// <inheritdoc />
    public ValueTask<WabaSnapshot> GetAsync() =>
        ValueTask.FromResult(new WabaSnapshot(WabaId, [.. State.PhoneNumberIds], Current(_time.GetUtcNow()), State.Account));

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == RestrictionReminder)
        {
            // A restriction's end: the lanes resume once none that blocks them is left.
            await SettleAsync(State.Account);
        }
    }

    /// <summary>
    /// Makes the lanes match <paramref name="account"/> (stopped while it blocks them, resumed when it stops blocking),
    /// then stores it: a failure part-way leaves the old state, and the delivery's retry does the same again (both
    /// lane calls are idempotent).
    /// </summary>
    private async Task SettleAsync(WabaAccount account)
    {
        var now = _time.GetUtcNow();
        var previous = State.Account.LanesStoppedFor;
        var blocked = AccountEvents.LanesBlockedBy(WabaId, account, now);
        account = account with { LanesStoppedFor = blocked is not null && previous is not null && previous.Code == blocked.Code && previous.Details == blocked.Details ? previous : blocked };
        if (blocked is not null)
        {
            var reason = StopReasonOf(account.LanesStoppedFor!);
            foreach (var number in State.PhoneNumberIds)
            {
                await GrainFactory.GetGrain<IPhoneNumberGrain>(number).StopAsync(reason);
            }

            if (previous is null || previous.Details != blocked.Details)
            {
                WabaLog.LanesStopped(_logger, WabaId, State.PhoneNumberIds.Count, blocked.Details);
            }
        }
        else if (previous is not null)
        {
            foreach (var number in State.PhoneNumberIds)
            {
                await GrainFactory.GetGrain<IPhoneNumberGrain>(number).ResumeIfStoppedByAsync(AccountEvents.StopCodes);
            }

            WabaLog.LanesResumed(_logger, WabaId, State.PhoneNumberIds.Count);
        }

        State.Account = account;
        await _state.WriteStateAsync();
        if (AccountEvents.NextExpiry(account, now) is { } ends)
        {
            var due = ends - now;
            await this.RegisterOrUpdateReminder(RestrictionReminder, due > TimeSpan.Zero ? due : TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }
        else if (await this.GetReminder(RestrictionReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task<WabaCallResult> SubscribeCoreAsync(WabaCallback? callback)
    {
        var request = callback is null ? null : new WebhookOverride(callback.CallbackUri, callback.VerifyToken);
        var (_, failed) = await CallAsync((management, waba) => management.SubscribeAppAsync(waba, request));
        if (failed is not null)
        {
            return failed;
        }

        var now = _time.GetUtcNow();
        // The callback is kept with the subscription, in one write: a later mend subscribes it the same way.
        State.Callback = callback;
        SetSubscription(State.Subscription with { Status = WabaSubscriptionStatuses.Subscribed, CheckedAt = now, OverrideCallbackUri = callback?.CallbackUri.AbsoluteUri, LastError = null, UnsubscribedByOperator = false });
        await _state.WriteStateAsync();
        return new WabaCallResult(Current(now), null, null);
    }

    /// <summary>
    /// Makes one management call unless the WABA's calls are held (Meta's throttling or usage, or the hourly budget
    /// spent); records its usage, and holds later calls when Meta throttled it or its usage headers are high. A failed
    /// or held call is the returned failure, with the error and when to try again.
    /// </summary>
    private async Task<(ManagementResult? Result, WabaCallResult? Failed)> CallAsync(Func<IWabaManagement, string, Task<ManagementResult>> call)
    {
        var options = _options.CurrentValue;
        var now = _time.GetUtcNow();
        State.Calls.RemoveAll(c => now - c >= Hour);
        if (HeldUntil(now) is { } held)
        {
            _metrics.ManagementCall(WabaId, "held");
            var error = new WabaError(ErrorCodes.RateLimitIssues, "Management calls held", $"WaDispatch makes no management call on WABA {WabaId} before {held.Until.ToString("u", CultureInfo.InvariantCulture)}: {held.Why}.", now);
            return (null, new WabaCallResult(Current(now), error, held.Until));
        }

        var result = await call(_management, WabaId);
        now = _time.GetUtcNow();
        State.Calls.Add(now);
        var subscription = State.Subscription with { UsagePercent = result.Usage?.Percent ?? State.Subscription.UsagePercent };
        DateTimeOffset? retryAt = result.Throttled ? now + (result.RetryAfter ?? result.Usage?.RegainAccessIn ?? options.ManagementBackoff)
            : result.Usage is { } usage && usage.Percent >= options.UsageBackoffPercent ? now + (usage.RegainAccessIn ?? options.ManagementBackoff)
            : null;
        if (retryAt is { } until)
        {
            subscription = subscription with { HeldUntil = until };
            WabaLog.Held(_logger, WabaId, until, result.Throttled ? $"Meta answered error {result.Error!.Code}" : $"Meta's usage headers report {result.Usage!.Percent}%");
        }

        _metrics.ManagementCall(WabaId, result.Succeeded ? "ok" : result.Throttled ? "throttled" : "failed");
        if (result.Succeeded)
        {
            State.Subscription = subscription;
            return (result, null);
        }

        var failure = result.Error ?? CloudApiError.Create(ErrorCodes.SomethingWentWrong, "Something went wrong", "No answer.");
        var recorded = new WabaError(failure.Code, failure.Message ?? "Error", failure.Details, now);
        SetSubscription(subscription with { LastError = recorded });
        await _state.WriteStateAsync();
        WabaLog.CallFailed(_logger, WabaId, recorded.Code, recorded.Title, recorded.Details);
        return (null, new WabaCallResult(Current(now), recorded, retryAt));
    }

    /// <summary>Until when, and why, management calls on this WABA wait; null when one may be made now.</summary>
    private (DateTimeOffset Until, string Why)? HeldUntil(DateTimeOffset now)
    {
        var subscription = State.Subscription;
        if (subscription.HeldUntil is { } until && until > now)
        {
            return (until, subscription.LastError is { } last && ErrorCodes.IsManagementThrottle(last.Code)
                ? $"Meta throttled its last call (error {last.Code})"
                : $"Meta's usage headers reported {subscription.UsagePercent}% of the management limit");
        }

        var budget = _options.CurrentValue.ManagementCallsPerHour;
        var calls = State.Calls.Count(c => now - c < Hour);
        return calls >= budget
            ? (State.Calls.Where(c => now - c < Hour).Min() + Hour, $"it made {calls} in the last hour, its budget (Webhooks:ManagementCallsPerHour = {budget})")
            : null;
    }

    /// <summary>The subscription as of <paramref name="now"/>: a hold that passed is gone, and the calls count those of the last hour.</summary>
    private WabaSubscription Current(DateTimeOffset now) => State.Subscription with
    {
        HeldUntil = State.Subscription.HeldUntil > now ? State.Subscription.HeldUntil : null,
        CallsLastHour = State.Calls.Count(c => now - c < Hour),
    };

    private void SetSubscription(WabaSubscription subscription)
    {
        var was = State.Subscription.Status;
        State.Subscription = subscription;
        PublishStatus();
        if (was != subscription.Status)
        {
            if (subscription.Status == WabaSubscriptionStatuses.Subscribed)
            {
                WabaLog.Subscribed(_logger, WabaId);
            }
            else if (subscription.Status == WabaSubscriptionStatuses.NotSubscribed)
            {
                WabaLog.NotSubscribed(_logger, WabaId);
            }
        }
    }

    private void PublishStatus() => _metrics.WabaSubscribed(WabaId, State.Subscription.Status switch
    {
        WabaSubscriptionStatuses.Subscribed => true,
        WabaSubscriptionStatuses.NotSubscribed => false,
        _ => null,
    });

    private async Task SettleAfterActivationAsync(CancellationToken cancellationToken)
    {
        _settle?.Dispose();
        _settle = null;
        try
        {
            await SettleAsync(State.Account);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A lane or the state store failed part-way: again shortly (both lane calls are idempotent).
            WabaLog.SettleFailed(_logger, ex, WabaId);
            _settle = this.RegisterGrainTimer(SettleAfterActivationAsync, new GrainTimerCreationOptions(SettleRetry, Timeout.InfiniteTimeSpan));
        }
    }

    private async Task FirstCheckAsync(CancellationToken cancellationToken)
    {
        _firstCheck?.Dispose();
        _firstCheck = null;
        if (State.Subscription.CheckedAt is null)
        {
            await CheckSubscriptionAsync(_options.CurrentValue.SubscribeOnStart);
        }
    }

    private static LaneStopReason StopReasonOf(WabaError reason) => new(reason.Code, reason.Title, reason.Details, reason.At);
}
