using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// The errors every test server of this process logged, kept so that a test that meets a 500 can say why: the
/// test host keeps no server log, and a 500's body carries only its trace_id.
/// </summary>
public static class ServerErrors
{
    private const int Kept = 200;
    private static readonly ConcurrentQueue<string> s_lines = new();

    public static ILoggerProvider Provider { get; } = new Recorder();

    /// <summary>The logged errors that name <paramref name="traceId"/>, or the latest few when none does.</summary>
    public static string About(string? traceId)
    {
        var lines = s_lines.ToArray();
        var matching = traceId is null ? [] : lines.Where(line => line.Contains(traceId, StringComparison.Ordinal)).ToArray();
        return matching.Length > 0
            ? "Server log: " + string.Join(Environment.NewLine, matching)
            : "No server error names this trace; the latest: " + string.Join(Environment.NewLine, lines.TakeLast(3));
    }

    private sealed class Recorder : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            s_lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {category}: {formatter(state, exception)}{Environment.NewLine}{exception}");
            while (s_lines.Count > Kept && s_lines.TryDequeue(out _))
            {
            }
        }
    }
}
