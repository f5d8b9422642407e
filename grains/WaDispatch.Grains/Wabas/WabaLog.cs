using Microsoft.Extensions.Logging;

namespace WaDispatch.Grains.Wabas;

/// <summary>The WABAs' log events; ids 2600–2699 are reserved for them.</summary>
internal static partial class WabaLog
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "WABA {WabaId}: the app is subscribed to its webhooks")]
    public static partial void Subscribed(ILogger logger, string wabaId);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "WABA {WabaId}: the app is not subscribed; Meta sends none of its webhooks (statuses, opt-outs, template and account changes)")]
    public static partial void NotSubscribed(ILogger logger, string wabaId);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "WABA {WabaId}: management call failed with error {Code} ({Title}): {Details}")]
    public static partial void CallFailed(ILogger logger, string wabaId, int code, string title, string? details);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "WABA {WabaId}: management calls held until {Until} ({Why})")]
    public static partial void Held(ILogger logger, string wabaId, DateTimeOffset until, string why);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Error, Message = "WABA {WabaId}: its {Count} lanes stop: {Details}")]
    public static partial void LanesStopped(ILogger logger, string wabaId, int count, string? details);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Information, Message = "WABA {WabaId}: the account may send again; its {Count} lanes resume")]
    public static partial void LanesResumed(ILogger logger, string wabaId, int count);

    [LoggerMessage(EventId = 2607, Level = LogLevel.Warning, Message = "WABA {WabaId}: account change {Field} skipped: {Reason}")]
    public static partial void EventSkipped(ILogger logger, string wabaId, string field, string reason);

    [LoggerMessage(EventId = 2608, Level = LogLevel.Information, Message = "WABA {WabaId}: the app was unsubscribed by an operator")]
    public static partial void Unsubscribed(ILogger logger, string wabaId);

    [LoggerMessage(EventId = 2609, Level = LogLevel.Error, Message = "Subscription check round failed; the next round tries again")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2610, Level = LogLevel.Error, Message = "WABA {WabaId}: the subscription check failed")]
    public static partial void CheckCrashed(ILogger logger, Exception exception, string wabaId);

    [LoggerMessage(EventId = 2611, Level = LogLevel.Warning, Message = "WABA {WabaId}: its lanes could not be settled after activation; trying again in 30 s")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string wabaId);
}
