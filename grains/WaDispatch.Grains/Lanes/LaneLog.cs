using Microsoft.Extensions.Logging;

namespace WaDispatch.Grains.Lanes;

/// <summary>The lanes' log events; ids 2000–2099 are reserved for them.</summary>
internal static partial class LaneLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Lane {PhoneNumberId} stopped by error {Code} ({Title}): {Details}. It sends again once an operator resumes it.")]
    public static partial void Stopped(ILogger logger, string phoneNumberId, int code, string title, string? details);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Lane {PhoneNumberId} resumed")]
    public static partial void Resumed(ILogger logger, string phoneNumberId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Lane {PhoneNumberId}: a take turn failed; retrying in a second")]
    public static partial void TakeFailed(ILogger logger, Exception exception, string phoneNumberId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId}: the answer to message {MessageId} could not be handed to the lane ({Reason}); the pump settles it itself")]
    public static partial void AnswerNotHandedBack(ILogger logger, string phoneNumberId, string messageId, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Lane {PhoneNumberId}: its stop could not be written; it holds until this activation ends or the settings are written again")]
    public static partial void StopNotPersisted(ILogger logger, Exception exception, string phoneNumberId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Lane {PhoneNumberId}: the pump failed and continues in a second")]
    public static partial void PumpFailed(ILogger logger, Exception exception, string phoneNumberId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Lane {PhoneNumberId}: send {SendId} was not sent because its departure could not be recorded; the lane retries it")]
    public static partial void DepartureNotRecorded(ILogger logger, Exception exception, string phoneNumberId, string sendId);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "Lane {PhoneNumberId}: message {MessageId} ended {Status}, but recording that failed; the lane's next activation settles it")]
    public static partial void OutcomeNotRecorded(ILogger logger, Exception exception, string phoneNumberId, string messageId, SendStatus status);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId}: error {Code} to message {MessageId} could not be told to its recipient")]
    public static partial void RetryNotTold(ILogger logger, Exception exception, string phoneNumberId, string messageId, int code);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Lane {PhoneNumberId}: message {MessageId} belongs to another dispatch (it is no longer accepted in the ledger); this copy is dropped")]
    public static partial void NotThisDispatchs(ILogger logger, string phoneNumberId, string messageId);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Lane {PhoneNumberId}: taking up its open messages from the ledger failed; it tries again in a minute")]
    public static partial void TakeUpFailed(ILogger logger, Exception exception, string phoneNumberId);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId}: another activation of this lane answers its calls (a silo left or joined); this one ends and the other takes up its open messages")]
    public static partial void Superseded(ILogger logger, string phoneNumberId);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId}: {Count} sends taken upstream had no answer after two minutes (lost while a silo died); their slots are freed and the ledger's open messages are looked through again")]
    public static partial void AnswersLost(ILogger logger, string phoneNumberId, int count);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Lane {PhoneNumberId}: reading its parked messages from the ledger failed; it tries again")]
    public static partial void FillFailed(ILogger logger, Exception exception, string phoneNumberId);
}
