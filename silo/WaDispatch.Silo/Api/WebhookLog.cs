namespace WaDispatch.Silo.Api;

/// <summary>The webhook receiver's log events; ids 3000–3099 are reserved for it.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "A webhook change of field {Field} could not be read and was skipped: {Reason}")]
    public static partial void ChangeSkipped(ILogger logger, string? field, string reason);
}
