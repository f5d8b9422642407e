using System.Globalization;
using System.Text.Json;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Webhooks;

namespace WaDispatch.Grains.Wabas;

/// <summary>
/// What Meta's account webhooks do to a WABA's <see cref="WabaAccount"/>, and whether its lanes must stop. Each kind
/// of fact (review, name decision, ban, restrictions, violation, limit) keeps the time of the change that set it: an
/// older change arriving late, or the same change twice, leaves it as it is.
/// </summary>
internal static class AccountEvents
{
    /// <summary>The code a lane stopped by a ban carries (Meta answers sends of a disabled account with it).</summary>
    public const int BannedCode = ErrorCodes.BusinessAccountLocked;

    /// <summary>The code a lane stopped by a messaging restriction carries (Meta's "temporarily blocked for policy violations").</summary>
    public const int RestrictedCode = ErrorCodes.TemporarilyBlocked;

    /// <summary>The stop codes an account reason puts on lanes, which its end lifts.</summary>
    public static readonly IReadOnlyList<int> StopCodes = [BannedCode, RestrictedCode];

    /// <summary>The fields this class understands.</summary>
    public static bool Understands(string? field) => field is WebhookFields.AccountUpdate or WebhookFields.AccountReviewUpdate or WebhookFields.PhoneNumberNameUpdate or WebhookFields.BusinessCapabilityUpdate;

    /// <summary>The account after the change of <paramref name="field"/> with <paramref name="value"/> (JSON), dated <paramref name="at"/>.</summary>
    /// <exception cref="JsonException">The value is not JSON of the field's shape.</exception>
    public static WabaAccount Apply(WabaAccount account, string field, string value, DateTimeOffset at)
    {
        using var document = JsonDocument.Parse(value);
        var change = new WebhookChange { Field = field, Value = document.RootElement };
        return field switch
        {
            WebhookFields.AccountReviewUpdate when change.ReadAccountReviewUpdate() is { Decision.Length: > 0 } review && Newer(at, account.ReviewedAt) =>
                account with { ReviewDecision = review.Decision, ReviewedAt = at },
            WebhookFields.PhoneNumberNameUpdate when change.ReadPhoneNumberNameUpdate() is { Decision.Length: > 0 } name && Newer(at, account.LastNameDecision?.At) =>
                account with { LastNameDecision = new WabaNameDecision(name.DisplayPhoneNumber, name.Decision, name.RequestedVerifiedName, name.RejectionReason, at) },
            WebhookFields.BusinessCapabilityUpdate when change.ReadBusinessCapabilityUpdate() is { } capability
                && (capability.MaxDailyConversationsPerBusiness ?? capability.MaxDailyConversationPerPhone) is { Length: > 0 } limit && Newer(at, account.MessagingLimitChangedAt) =>
                account with { MessagingLimit = limit, MessagingLimitChangedAt = at },
            WebhookFields.AccountUpdate when change.ReadAccountUpdate() is { } update => AccountUpdate(account, update, at),
            _ => account,
        };
    }

    /// <summary>Why the lanes of the WABA must stop at <paramref name="now"/>: a ban, else an unexpired messaging restriction; null when they may send.</summary>
    public static WabaError? LanesBlockedBy(string wabaId, WabaAccount account, DateTimeOffset now)
    {
        if (string.Equals(account.BanState, "DISABLE", StringComparison.OrdinalIgnoreCase))
        {
            return new WabaError(BannedCode, "Business account is disabled", $"Meta disabled WABA {wabaId} (account_update DISABLED_UPDATE{(account.BanDate is { } date ? ", ban date " + date : string.Empty)}); its lanes resume when it is reinstated.", account.BanChangedAt ?? now);
        }

        var active = Active(account, now).Where(r => r.Type.Contains("MESSAGING", StringComparison.OrdinalIgnoreCase)).ToList();
        if (active.Count == 0)
        {
            return null;
        }

        var until = active.All(r => r.ExpiresAt is not null) ? " until " + active.Max(r => r.ExpiresAt)!.Value.ToString("u", CultureInfo.InvariantCulture) : string.Empty;
        return new WabaError(RestrictedCode, "Business account is restricted", $"Meta restricted WABA {wabaId}: {string.Join(", ", active.Select(r => r.Type))}{until} (account_update ACCOUNT_RESTRICTION).", account.RestrictionsChangedAt ?? now);
    }

    /// <summary>When the next of the account's active restrictions ends, if any does.</summary>
    public static DateTimeOffset? NextExpiry(WabaAccount account, DateTimeOffset now) =>
        Active(account, now).Where(r => r.ExpiresAt is not null).Select(r => r.ExpiresAt).Min();

    private static IEnumerable<WabaRestriction> Active(WabaAccount account, DateTimeOffset now) =>
        account.Restrictions.Where(r => r.ExpiresAt is null || r.ExpiresAt > now);

    private static WabaAccount AccountUpdate(WabaAccount account, AccountUpdateValue update, DateTimeOffset at)
    {
        account = account with { LastEvent = update.Event ?? account.LastEvent };
        if (update.BanInfo is { WabaBanState.Length: > 0 } ban && Newer(at, account.BanChangedAt))
        {
            account = account with { BanState = ban.WabaBanState.ToUpperInvariant(), BanDate = ban.WabaBanDate, BanChangedAt = at };
        }

        if (update.RestrictionInfo is { } restrictions && Newer(at, account.RestrictionsChangedAt))
        {
            // The list is the restrictions in force: an empty one lifts them all.
            account = account with
            {
                Restrictions = [.. restrictions.Where(r => r is { RestrictionType.Length: > 0 }).Select(r => new WabaRestriction(r.RestrictionType!, Expiry(r.Expiration)))],
                RestrictionsChangedAt = at,
            };
        }

        if (update.ViolationInfo is { ViolationType.Length: > 0 } violation && Newer(at, account.ViolationAt))
        {
            account = account with { LastViolation = violation.ViolationType, ViolationAt = at };
        }

        return account;
    }

    /// <summary>A change at <paramref name="at"/> replaces one from <paramref name="last"/> unless that is later (the same time replays the same change).</summary>
    private static bool Newer(DateTimeOffset at, DateTimeOffset? last) => last is null || at >= last;

    /// <summary>Meta's restriction expiration: Unix seconds (as a number or a string), or an ISO date.</summary>
    private static DateTimeOffset? Expiry(string? raw) =>
        long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(seconds)
        : DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date
        : null;
}
