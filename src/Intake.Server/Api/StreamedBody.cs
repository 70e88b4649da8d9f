namespace Intake.Server.Api;

/// <summary>
/// Runs the writing of a streamed response (NDJSON, CSV) so that a failure part-way can never look like a
/// complete body: once anything may have been written, an unexpected exception aborts the connection, and
/// the client sees a truncated response (a reset, or a chunked body without its last chunk) instead of a
/// problem-details object glued onto its data. A failure before the first byte still reaches the exception
/// handler and becomes an ordinary problem response.
/// </summary>
internal static partial class StreamedBody
{
    public static async Task WriteAsync(HttpContext httpContext, Func<Action, Task> write)
    {
        var started = false;
        try
        {
            await write(() => started = true);
        }
        catch (Exception exception) when (started && !httpContext.RequestAborted.IsCancellationRequested)
        {
            var logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamedBody));
            LogAborted(logger, exception, httpContext.TraceIdentifier);
            httpContext.Abort();
        }
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Streaming the response of request {TraceId} failed part-way; the connection was aborted")]
    private static partial void LogAborted(ILogger logger, Exception exception, string traceId);
}
