using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WaDispatch.Testing;

/// <summary>A logger provider that keeps every line (category, level, event, message, state, exception) for a test to read.</summary>
public sealed class LogCapture(ConcurrentQueue<string> logs) : ILoggerProvider
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, logs);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            logs.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue($"{category} {logLevel} {eventId}: {formatter(state, exception)} {state} {exception}");
    }
}
