using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// The log lines the server writes at <paramref name="minimumLevel"/> or above, formatted, with their exception;
/// the latest <paramref name="kept"/> of them when a limit is given.
/// </summary>
public sealed class CapturedLogs(LogLevel minimumLevel = LogLevel.Trace, int kept = int.MaxValue) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    private bool Records(LogLevel logLevel) => logLevel >= minimumLevel;

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > kept && _lines.TryDequeue(out _))
        {
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logs.Records(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            logs.Add($"{category} {formatter(state, exception)} {state} {exception}");
        }
    }
}
