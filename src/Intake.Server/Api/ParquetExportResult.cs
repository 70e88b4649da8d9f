using Intake.Core.Datasets;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Microsoft.Net.Http.Headers;

namespace Intake.Server.Api;

/// <summary>
/// Streams an export of one kind of record as a Parquet file (<see cref="ParquetExport"/>), a row group at a time.
/// A failure part-way aborts the connection (see <see cref="StreamedBody"/>), so a client never takes a cut file for
/// a whole one (a Parquet file without its footer cannot be read anyway).
/// </summary>
public sealed class ParquetExportResult(RecordQueries.Export export, RecordKind kind, string fileName) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = FormatDetector.ParquetMediaType;
        response.Headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        await StreamedBody.WriteAsync(httpContext, started => ParquetExport.WriteAsync(export, kind, response.Body, started, httpContext.RequestAborted));
    }
}
