namespace WaDispatch.Silo.FrontDoor;

/// <summary>The front door's log events; ids 3100–3199 are reserved for it.</summary>
internal static partial class FrontDoorLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly (trace {TraceId})")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the grain runtime did not answer in time")]
    public static partial void Unavailable(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "No API keys are configured (Api:Keys): the API is open to anyone who can reach it. Fine for a local run; configure keys for anything else.")]
    public static partial void NoApiKeys(ILogger logger);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "API keys configured: {Names}")]
    public static partial void ApiKeys(ILogger logger, string names);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Upstream is SIMULATED: the built-in Cloud API simulator at {Address} answers in Meta's place and posts its signed webhooks back to this silo; no message reaches WhatsApp. Control API: {Address}_sim/")]
    public static partial void Simulated(ILogger logger, Uri address);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "Upstream: {Address}")]
    public static partial void Upstream(ILogger logger, Uri address);
}
