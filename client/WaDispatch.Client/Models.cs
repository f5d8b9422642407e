using System.Text.Json;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Client;

/// <summary>Why a send was not made, as a caller decides on it.</summary>
public enum RejectionReason
{
    /// <summary>The number's throughput (130429, or no permit in time), the app's request rate (4, 80007), or the pair rate (131056): retry after <see cref="SendRejection.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>A free-form message outside the 24 h customer-service window (131047): send a template.</summary>
    OutsideWindow,

    /// <summary>The user stopped marketing messages (131050) or opted out by keyword (−11).</summary>
    OptedOut,

    /// <summary>The business's messaging limit is spent (−10): capacity returns at <see cref="SendRejection.RetryAfter"/>.</summary>
    BudgetSpent,

    /// <summary>Meta's per-user marketing limit (131049).</summary>
    MarketingCapReached,

    /// <summary>The user cannot be reached (131026).</summary>
    Undeliverable,

    /// <summary>The template is unknown, paused, disabled or filled wrongly (132xxx).</summary>
    TemplateProblem,

    /// <summary>The request itself is wrong (100, 131008, 131009, …): fix it, do not retry.</summary>
    Invalid,

    /// <summary>Anything else; <see cref="SendRejection.Code"/> says what.</summary>
    Other,
}

/// <summary>Why a send was not made.</summary>
/// <param name="Reason">The reason, as a caller decides on it.</param>
/// <param name="Code">The Cloud API (or WaDispatch) error code.</param>
/// <param name="Details">What the code means for this message.</param>
/// <param name="RetryAfter">When retrying makes sense, how long to wait.</param>
public sealed record SendRejection(RejectionReason Reason, int Code, string Details, TimeSpan? RetryAfter)
{
    /// <summary>The rejection for <paramref name="error"/>.</summary>
    public static SendRejection From(CloudApiError error, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(error);
        var reason = error.Code switch
        {
            ErrorCodes.RateLimitHit or ErrorCodes.PairRateLimitHit or ErrorCodes.ApiTooManyCalls or ErrorCodes.RateLimitIssues => RejectionReason.RateLimited,
            ErrorCodes.ReEngagementMessage => RejectionReason.OutsideWindow,
            ErrorCodes.UserStoppedMarketing or ErrorCodes.KeywordOptOut or ErrorCodes.LegacyUserStoppedMarketing => RejectionReason.OptedOut,
            ErrorCodes.MessagingLimitReached => RejectionReason.BudgetSpent,
            ErrorCodes.MarketingCapReached or ErrorCodes.LegacyMarketingCapReached => RejectionReason.MarketingCapReached,
            ErrorCodes.MessageUndeliverable => RejectionReason.Undeliverable,
            >= 132000 and < 133000 => RejectionReason.TemplateProblem,
            ErrorCodes.InvalidParameter or ErrorCodes.RequiredParameterMissing or ErrorCodes.ParameterValueInvalid or ErrorCodes.UnsupportedMessageType => RejectionReason.Invalid,
            _ => RejectionReason.Other,
        };
        return new SendRejection(reason, error.Code, error.Details, retryAfter);
    }
}

/// <summary>What a send gave: Meta's id when sent, or why not.</summary>
/// <param name="MessageId">WaDispatch's id of the message, when it was recorded.</param>
/// <param name="Wamid">Meta's id, when sent.</param>
/// <param name="Rejection">Why it was not sent.</param>
public sealed record SendResult(string? MessageId, string? Wamid, SendRejection? Rejection)
{
    /// <summary>True when Meta accepted the message.</summary>
    public bool IsSent => Wamid is not null;
}

/// <summary>A message to hand over.</summary>
/// <param name="PhoneNumberId">The business number that sends.</param>
/// <param name="Message">The Cloud API request.</param>
public sealed record OutgoingMessage(string PhoneNumberId, SendMessageRequest Message)
{
    /// <summary>After this instant it is not sent; default 24 h after acceptance.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Where its status changes are posted, signed; optional.</summary>
    public Uri? CallbackUrl { get; init; }
}

/// <summary>A status a message reached.</summary>
/// <param name="Status">The status.</param>
/// <param name="At">When.</param>
/// <param name="ErrorCode">The error code that came with it.</param>
public sealed record MessageHistoryEntry(string Status, DateTimeOffset At, int? ErrorCode);

/// <summary>A message as WaDispatch knows it.</summary>
public sealed record MessageInfo
{
    /// <summary>WaDispatch's id.</summary>
    public required string Id { get; init; }

    /// <summary>The business number that sends it.</summary>
    public required string PhoneNumberId { get; init; }

    /// <summary>The recipient.</summary>
    public required string To { get; init; }

    /// <summary>accepted, sending, sent, delivered, read, failed, expired or skipped.</summary>
    public required string Status { get; init; }

    /// <summary>Meta's id, once sent.</summary>
    public string? Wamid { get; init; }

    /// <summary>Why it failed, or what holds it back.</summary>
    public CloudApiError? Error { get; init; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>After this instant it is not sent.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The statuses it reached (filled by <see cref="IWaDispatcher.GetMessageAsync"/>).</summary>
    public IReadOnlyList<MessageHistoryEntry>? History { get; init; }
}

/// <summary>One message of a batch: accepted (with its message) or refused (with the error).</summary>
/// <param name="Message">The accepted message.</param>
/// <param name="Error">Why it was refused; nothing was accepted for it.</param>
public sealed record BatchResult(MessageInfo? Message, CloudApiError? Error);

/// <summary>One recipient of a campaign and the values its template placeholders take.</summary>
/// <param name="To">The recipient's phone number.</param>
/// <param name="Values">Values by placeholder key (<c>{{name}}</c> in the template's strings).</param>
public sealed record Recipient(string To, IReadOnlyDictionary<string, string>? Values = null);

/// <summary>The format of an audience file.</summary>
public enum AudienceFormat
{
    /// <summary>One JSON object per line: <c>{"to": "+16505551234", "name": "Ada"}</c>.</summary>
    Ndjson,

    /// <summary>A header naming a <c>to</c> column and the value columns, then one recipient per line (RFC 4180 quoting).</summary>
    Csv,
}

/// <summary>A campaign to create.</summary>
/// <param name="PhoneNumberId">The business number that sends.</param>
/// <param name="Template">The template (see <see cref="WaTemplate"/>); <c>{{key}}</c> in its strings takes each recipient's value.</param>
public sealed record NewCampaign(string PhoneNumberId, TemplateContent Template)
{
    /// <summary>Used when the catalog does not know the template: MARKETING, UTILITY or AUTHENTICATION.</summary>
    public string? Category { get; init; }

    /// <summary>When sending may start; default now.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>After this instant nothing more is sent.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>True to send before other campaigns (the lane's transactional class).</summary>
    public bool HighPriority { get; init; }

    /// <summary>Passed to Meta with every message.</summary>
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>Where the status changes of its messages are posted, signed; optional.</summary>
    public Uri? CallbackUrl { get; init; }
}

/// <summary>A campaign as its owner sees it.</summary>
public sealed record CampaignInfo
{
    /// <summary>The campaign id.</summary>
    public required string Id { get; init; }

    /// <summary>scheduled, running, paused, completed, cancelled or expired.</summary>
    public required string Status { get; init; }

    /// <summary>Why it is paused.</summary>
    public string? PauseReason { get; init; }

    /// <summary>Recipients to send to.</summary>
    public int Recipients { get; init; }

    /// <summary>Not yet ended.</summary>
    public long Pending { get; init; }

    /// <summary>Messages Meta accepted and did not fail afterwards (sent, delivered or read now).</summary>
    public long Sent { get; init; }

    /// <summary>Messages delivered (or read).</summary>
    public long Delivered { get; init; }

    /// <summary>Failed messages by error code.</summary>
    public IReadOnlyDictionary<string, long> Failed { get; init; } = new Dictionary<string, long>();

    /// <summary>Skipped recipients by reason.</summary>
    public IReadOnlyDictionary<string, long> Skipped { get; init; } = new Dictionary<string, long>();

    /// <summary>Deferred messages by reason.</summary>
    public IReadOnlyDictionary<string, long> Deferred { get; init; } = new Dictionary<string, long>();

    /// <summary>Expired.</summary>
    public long Expired { get; init; }

    /// <summary>Messages sent per second over the last second.</summary>
    public long RateMps { get; init; }

    /// <summary>When the pending ones should be done.</summary>
    public DateTimeOffset? Eta { get; init; }

    /// <summary>The whole campaign as the silo shows it (counts, pre-flight, times).</summary>
    public JsonElement Raw { get; init; }
}

/// <summary>A number's lane.</summary>
/// <param name="PhoneNumberId">The number.</param>
/// <param name="ThroughputMps">Its tier.</param>
/// <param name="Status">running, paused or stopped.</param>
/// <param name="Raw">The whole lane as the silo shows it.</param>
public sealed record LaneInfo(string PhoneNumberId, int ThroughputMps, string Status, JsonElement Raw);

/// <summary>A business's messaging-limit budget.</summary>
/// <param name="BusinessId">The business.</param>
/// <param name="Tier">Its messaging-limit tier (TIER_250 …).</param>
/// <param name="Raw">The whole budget as the silo shows it.</param>
public sealed record BusinessInfo(string BusinessId, string Tier, JsonElement Raw);

/// <summary>A message reached a status.</summary>
/// <param name="MessageId">WaDispatch's message id.</param>
/// <param name="Status">The status.</param>
/// <param name="At">When.</param>
/// <param name="ErrorCode">Its error code, if any.</param>
/// <param name="Wamid">Meta's id, when known.</param>
/// <param name="CampaignId">Its campaign, when known.</param>
public sealed record StatusEvent(string MessageId, string Status, DateTimeOffset At, int? ErrorCode, string? Wamid, string? CampaignId);
