using Microsoft.Extensions.Logging;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// The errors every test server of this process logged, kept so that a test that meets a 500 can say why: the
/// test host keeps no server log, and a 500's body carries only its trace_id.
/// </summary>
public static class ServerErrors
{
    private static readonly CapturedLogs s_logs = new(LogLevel.Error, kept: 200);

    public static ILoggerProvider Provider => s_logs;

    /// <summary>The logged errors that name <paramref name="traceId"/>, or the latest few when none does.</summary>
    public static string About(string? traceId)
    {
        var lines = s_logs.Lines.ToArray();
        var matching = traceId is null ? [] : lines.Where(line => line.Contains(traceId, StringComparison.Ordinal)).ToArray();
        return matching.Length > 0
            ? "Server log: " + string.Join(Environment.NewLine, matching)
            : "No server error names this trace; the latest: " + string.Join(Environment.NewLine, lines.TakeLast(3));
    }
}
