using System.Buffers;
using System.Text;
using System.Text.Json;
using Intake.Core.Datasets;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Server.Api;

/// <summary>
/// Streams an export as NDJSON, or as CSV in the data-batch column layout (so an export can be loaded
/// again). Rows are flushed as they are read; nothing is held beyond one buffer. A failure part-way aborts
/// the connection (see <see cref="StreamedBody"/>), so a client never takes a cut export for a whole one.
/// </summary>
public sealed class RecordExportResult(RecordQueries.Export export, RecordKind? csvKind) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = csvKind is null ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8";
        await StreamedBody.WriteAsync(httpContext, started => WriteAsync(httpContext, started));
    }

    private async Task WriteAsync(HttpContext httpContext, Action started)
    {
        var cancellationToken = httpContext.RequestAborted;
        var body = httpContext.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(body, RecordJson.WriterOptions);
        var csv = csvKind is null ? null : new StringBuilder();
        var count = 0;
        await foreach (var record in export.Records.WithCancellation(cancellationToken))
        {
            if (count == 0)
            {
                started();
                await WriteCsvHeaderAsync(body, cancellationToken);
            }

            var batchId = export.BatchIds.GetValueOrDefault(record.BatchSeq, "");
            if (csv is null)
            {
                RecordJson.Write(json, record, batchId);
                await json.FlushAsync(cancellationToken);
                json.Reset();
                body.Write("\n"u8);
            }
            else
            {
                csv.Clear();
                AppendCsvRow(csv, record, batchId);
                await CsvText.WriteAsync(body, csv.ToString(), cancellationToken);
            }

            if (++count % 512 == 0)
            {
                await body.FlushAsync(cancellationToken);
            }
        }

        if (count == 0)
        {
            // The store answered with no records; a failure before this point is an ordinary 500.
            started();
            await WriteCsvHeaderAsync(body, cancellationToken);
        }

        await body.FlushAsync(cancellationToken);
    }

    private async ValueTask WriteCsvHeaderAsync(System.IO.Pipelines.PipeWriter body, CancellationToken cancellationToken)
    {
        if (csvKind is { } kind)
        {
            await CsvText.WriteAsync(body, kind == RecordKind.Entity
                ? "id,type,name,metadata,media_url,record_type,batch_id\n"
                : "type,source_id,target_id,timestamp,metadata,value,record_type,batch_id\n", cancellationToken);
        }
    }

    private static void AppendCsvRow(StringBuilder row, StoredRecord record, string batchId)
    {
        string?[] fields = record.Kind == RecordKind.Entity
            ? [record.Id, record.Type, record.Name, record.AttributesJson, record.MediaUrl, record.RecordType, batchId]
            : [record.Type, record.Id, record.TargetId, Timestamps.Format(record.Timestamp ?? 0), record.AttributesJson,
                record.Value?.ToString("R", System.Globalization.CultureInfo.InvariantCulture), record.RecordType, batchId];
        CsvText.AppendRow(row, fields);
    }
}
