using Intake.Core.Datasets;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Microsoft.Net.Http.Headers;

namespace Intake.Server.Api;

/// <summary>
/// Streams an export of one kind of record as a Parquet file (<see cref="ParquetExport"/>), a row group at a time.
/// A failure part-way aborts the connection, so a client never takes a cut file for a whole one (a Parquet file
/// without its footer cannot be read anyway).
/// </summary>
public sealed partial class ParquetExportResult(RecordQueries.Export export, RecordKind kind, string fileName) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = FormatDetector.ParquetMediaType;
        response.Headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        var started = false;
        try
        {
            await ParquetExport.WriteAsync(export, kind, response.Body, () => started = true, httpContext.RequestAborted);
        }
        catch (Exception exception) when (started && !httpContext.RequestAborted.IsCancellationRequested)
        {
            var logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<ParquetExportResult>();
            LogAborted(logger, exception, httpContext.TraceIdentifier);
            httpContext.Abort();
        }
    }

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "Streaming the Parquet export of request {TraceId} failed part-way; the connection was aborted")]
    private static partial void LogAborted(ILogger logger, Exception exception, string traceId);
}
