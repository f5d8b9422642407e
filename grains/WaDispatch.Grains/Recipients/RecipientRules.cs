using System.Globalization;
using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Grains.Recipients;

/// <summary>
/// The rules of one (business number, user) pair, free of I/O: what may be sent now, and what each
/// event from the user or from Meta changes. Every change method says whether a fact worth persisting changed.
/// </summary>
/// <remarks>Not thread-safe: <see cref="RecipientGrain"/> uses it inside its turns.</remarks>
internal sealed class RecipientRules(RecipientState state, RecipientOptions options)
{
    /// <summary>Meta's customer-service window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private readonly PairPacer _pair = new(options.PairInterval, options.PairBurst);

    public RecipientState State => state;

    /// <summary>Until when the pair's pace (not persisted) still matters: a new activation after it decides the same.</summary>
    public DateTimeOffset PacedUntil => _pair.Until;

    /// <summary>Until when the window is open at <paramref name="now"/>; null when it is closed.</summary>
    public DateTimeOffset? WindowOpenUntil(DateTimeOffset now) =>
        state.LastInboundAt is { } last && last + Window > now && (state.WindowClosedAt is not { } closed || closed < last)
            ? last + Window
            : null;

    /// <summary>Decides a send at <paramref name="now"/>; an allowed send takes its place in the pair's pace.</summary>
    public RecipientDecision Admit(RecipientSend send, DateTimeOffset now)
    {
        var windowUntil = WindowOpenUntil(now);
        var windowOpen = windowUntil is not null;
        var direct = send.Origin == SendOrigin.Direct;
        if (state.UndeliverableUntil is { } undeliverable && undeliverable > now)
        {
            return direct
                ? Refuse(windowOpen, ErrorCodes.MessageUndeliverable, "Message undeliverable", $"Meta could not deliver to this user (no WhatsApp, an old client, or terms not accepted); WaDispatch holds messages to them until {Format(undeliverable)}.", undeliverable)
                : Skip(windowOpen, RecipientDecision.Undeliverable);
        }

        if (!send.IsTemplate && !windowOpen)
        {
            var details = state.LastInboundAt is { } last
                ? $"The customer-service window with this user closed at {Format(state.WindowClosedAt is { } closed && closed >= last ? closed : last + Window)}: only templates may be sent until the user writes again."
                : "The user has not written to this number, so no customer-service window is open: only templates may be sent.";
            return Refuse(windowOpen, ErrorCodes.ReEngagementMessage, "Re-engagement message", details, null);
        }

        if (send.IsTemplate && state.KeywordOptedOut)
        {
            return direct
                ? Refuse(windowOpen, ErrorCodes.KeywordOptOut, "Opted out by keyword", $"The user opted out by texting '{state.Keyword}' at {Format(state.KeywordAt)}: no templates until they opt back in.", null)
                : Skip(windowOpen, RecipientDecision.OptedOut);
        }

        if (send.Category == MessageCategory.Marketing && state.MarketingOptedOut)
        {
            return direct
                ? Refuse(windowOpen, ErrorCodes.UserStoppedMarketing, "Unable to deliver message: user stopped marketing messages", $"The user stopped marketing messages at {Format(state.MarketingPreferenceAt)}; utility and authentication templates are still allowed.", null)
                : Skip(windowOpen, RecipientDecision.OptedOut);
        }

        if (send.Category == MessageCategory.Marketing && state.MarketingCapUntil is { } capUntil && capUntil > now)
        {
            if (direct)
            {
                return Refuse(windowOpen, ErrorCodes.MarketingCapReached, "Message failed to send because of a per-user marketing limit", $"Meta's per-user marketing limit was reached for this user; marketing templates may go again at {Format(capUntil)}.", capUntil);
            }

            return capUntil <= send.ExpiresAt
                ? new RecipientDecision(RecipientVerdict.Deferred, windowOpen, RetryAt: capUntil)
                : new RecipientDecision(RecipientVerdict.Expired, windowOpen, RetryAt: capUntil);
        }

        var earliest = state.PairSnoozedUntil is { } snoozed && snoozed > now ? snoozed : now;
        var at = _pair.Peek(earliest);
        if (!send.IsTemplate && at >= windowUntil)
        {
            return Refuse(windowOpen, ErrorCodes.ReEngagementMessage, "Re-engagement message", $"The customer-service window with this user closes at {Format(windowUntil)}, before the pair rate lets another message go at {Format(at)}.", null);
        }

        if (at > now && at > send.ExpiresAt)
        {
            // Held by this user's pair rate, not by the number's throughput: said so, with when the pair frees up.
            return new RecipientDecision(RecipientVerdict.Expired, windowOpen, RetryAt: at, Error: CloudApiError.Create(
                ErrorCodes.PairRateLimitHit,
                "Pair rate limit hit",
                $"Too many messages to this user from this number: the pair rate lets the next one go at {Format(at)}."));
        }

        _pair.Reserve(at);
        return new RecipientDecision(RecipientVerdict.Allowed, windowOpen, NotBefore: at > now ? at : null) { WindowOpenUntil = windowUntil };
    }

    /// <summary>A message from the user: opens or refreshes the window from its own timestamp, and may be an opt-out or opt-in keyword.</summary>
    public bool Inbound(UserMessage message, KeywordPolicy keywords)
    {
        var changed = false;
        if (state.LastInboundAt is not { } last || message.SentAt > last)
        {
            state.LastInboundAt = message.SentAt;
            changed = true;
        }

        // A user who writes after Meta could not deliver to them is reachable again.
        if (state.UndeliverableUntil is { } undeliverable && message.SentAt > undeliverable - options.UndeliverableFor)
        {
            state.UndeliverableUntil = null;
            changed = true;
        }

        // Ties go to the event handled last: two keywords in the same second keep their order of arrival.
        if (keywords.Match(message.Text) is { } optOut && (state.KeywordAt is not { } keywordAt || message.SentAt >= keywordAt))
        {
            state.KeywordOptedOut = optOut;
            state.Keyword = message.Text!.Trim();
            state.KeywordAt = message.SentAt;
            changed = true;
        }

        return changed;
    }

    /// <summary>A marketing stop or resume (user_preferences webhook, or a 131050): the latest by its own time wins.</summary>
    public bool MarketingPreference(bool stop, DateTimeOffset at)
    {
        if (state.MarketingPreferenceAt is { } known && at <= known)
        {
            return false;
        }

        state.MarketingOptedOut = stop;
        state.MarketingPreferenceAt = at;
        return true;
    }

    /// <summary>What Meta answered to a send to this user at <paramref name="at"/>; <paramref name="code"/> 0 for accepted.</summary>
    public bool Outcome(int code, DateTimeOffset at)
    {
        switch (code)
        {
            case 0:
                if (state.PairSnoozes == 0 || state.PairEventAt > at)
                {
                    return false;
                }

                state.PairSnoozes = 0;
                state.PairEventAt = at;
                return true;
            case ErrorCodes.UserStoppedMarketing or ErrorCodes.LegacyUserStoppedMarketing:
                return MarketingPreference(stop: true, at);
            case ErrorCodes.MarketingCapReached or ErrorCodes.LegacyMarketingCapReached:
                return Later(state.MarketingCapUntil, at + options.MarketingCapWait, v => state.MarketingCapUntil = v);
            case ErrorCodes.MessageUndeliverable:
                return Later(state.UndeliverableUntil, at + options.UndeliverableFor, v => state.UndeliverableUntil = v);
            case ErrorCodes.PairRateLimitHit:
                if (state.PairEventAt is { } pairEventAt && at <= pairEventAt)
                {
                    // A duplicate, or older than the accepted send that ended the series.
                    return false;
                }

                state.PairEventAt = at;
                state.PairSnoozes++;
                var seconds = Math.Min(Math.Pow(4, state.PairSnoozes - 1), options.MaxPairSnooze.TotalSeconds);
                Later(state.PairSnoozedUntil, at + TimeSpan.FromSeconds(seconds), v => state.PairSnoozedUntil = v);
                return true;
            case ErrorCodes.ReEngagementMessage:
                return Later(state.WindowClosedAt, at, v => state.WindowClosedAt = v);
            default:
                return false;
        }
    }

    public RecipientSnapshot Snapshot(string phoneNumberId, string waId, DateTimeOffset now) => new(
        phoneNumberId,
        waId,
        state.LastInboundAt,
        WindowOpenUntil(now),
        state.MarketingOptedOut,
        state.MarketingPreferenceAt,
        state.KeywordOptedOut,
        state.KeywordAt,
        state.MarketingCapUntil > now ? state.MarketingCapUntil : null,
        state.UndeliverableUntil > now ? state.UndeliverableUntil : null,
        state.PairSnoozedUntil > now ? state.PairSnoozedUntil : null);

    private static bool Later(DateTimeOffset? current, DateTimeOffset candidate, Action<DateTimeOffset> set)
    {
        if (current is { } known && known >= candidate)
        {
            return false;
        }

        set(candidate);
        return true;
    }

    private static bool Set(bool changes, Action apply)
    {
        if (changes)
        {
            apply();
        }

        return changes;
    }

    private static RecipientDecision Refuse(bool windowOpen, int code, string title, string details, DateTimeOffset? retryAt) =>
        new(RecipientVerdict.Refused, windowOpen, RetryAt: retryAt, Error: CloudApiError.Create(code, title, details));

    private static RecipientDecision Skip(bool windowOpen, string reason) => new(RecipientVerdict.Skipped, windowOpen, SkipReason: reason);

    private static string Format(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "an unknown time";
}
