using Microsoft.Extensions.Logging;

namespace WaDispatch.Grains.Webhooks;

/// <summary>The webhook receiver's log events; ids 3000–3099 are reserved for it.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "A webhook change of field {Field} could not be read and was skipped: {Reason}")]
    public static partial void ChangeSkipped(ILogger logger, string? field, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{Count} webhook deliveries left by the previous run are processed again")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Webhook delivery {InboxId} could not be processed; it is tried again shortly, and stays in the inbox for the next start")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, long inboxId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Processed webhook delivery {InboxId} could not be deleted from the inbox; the next start processes it again (harmlessly)")]
    public static partial void NotDeleted(ILogger logger, Exception exception, long inboxId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Status {Status} for {Wamid}: no such message in the ledger (not sent through WaDispatch); dropped")]
    public static partial void StatusForUnknownMessage(ILogger logger, string wamid, string status);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Status {Status} for {Wamid} could not be recorded")]
    public static partial void StatusNotRecorded(ILogger logger, Exception exception, string wamid, string status);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Message {MessageId} found by its callback data: Meta calls it {Wamid} and reports it {Status}")]
    public static partial void Reconciled(ILogger logger, string messageId, string wamid, string status);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "The trace of the message Meta calls {Wamid} could not be read; its status is applied without it")]
    public static partial void TraceNotRead(ILogger logger, Exception exception, string wamid);
}
