using Microsoft.Extensions.Logging;

namespace WaDispatch.Runtime.Diagnostics;

/// <summary>The runtime's log events; ids 1000–1099 are reserved for it.</summary>
internal static partial class GrainRuntimeLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Activation of grain {GrainType}/{GrainKey} failed; its queued calls were rejected")]
    public static partial void ActivationFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "OnDeactivateAsync of grain {GrainType}/{GrainKey} failed during {Reason}")]
    public static partial void DeactivationFailed(this ILogger logger, Exception exception, string grainType, string grainKey, DeactivationReason reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Timer callback of grain {GrainType}/{GrainKey} failed")]
    public static partial void TimerCallbackFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Grain {GrainType}/{GrainKey} dropped after a state version conflict; the next call reloads its state")]
    public static partial void DroppedOnStateConflict(this ILogger logger, string grainType, string grainKey);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Idle collection sweep failed")]
    public static partial void CollectionSweepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Idle collection started for {Count} activations")]
    public static partial void IdleCollectionStarted(this ILogger logger, int count);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Shutdown ended before every activation was deactivated")]
    public static partial void ShutdownIncomplete(this ILogger logger);
}
