using System.Text.Json;
using Intake.Core.Datasets;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Server.Api;

public static class RecordsEndpoints
{
    public static IEndpointRouteBuilder MapRecordsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/datasets/{id}").WithTags("Records").TakesQuery();
        api.MapGet("/entities/{type}/{entityId}", GetEntityAsync).WithName("GetEntity").WithSummary("One current entity by type and id.");
        api.MapGet("/export", ExportAsync).WithName("ExportRecords")
            .WithSummary("Stream current records as NDJSON, CSV (Accept: text/csv or format=csv) or Parquet (Accept: application/vnd.apache.parquet " +
                         "or format=parquet); CSV and Parquet hold one kind. Selected by kind, type, tags and since.")
            .TakesQuery("kind", "type", "tags", "since", "format");
        return app;
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetEntityAsync(string id, string type, string entityId, RecordQueries queries,
        CancellationToken cancellationToken)
    {
        var found = await queries.FindEntityAsync(id, type, entityId, cancellationToken);
        if (found is not { } entity)
        {
            return Problems.Result(ErrorCodes.EntityNotFound, $"Dataset '{id}' has no current entity of type '{type}' with id '{entityId}'.");
        }

        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, RecordJson.WriterOptions))
        {
            RecordJson.Write(writer, entity.Record, entity.BatchId);
        }

        return TypedResults.Content(System.Text.Encoding.UTF8.GetString(buffer.ToArray()), "application/json");
    }

    public static async Task<Results<RecordExportResult, ParquetExportResult, ProblemHttpResult>> ExportAsync(string id, HttpRequest request,
        RecordQueries queries, CancellationToken cancellationToken, string? kind = null, string? type = null, string? since = null, string? format = null)
    {
        RecordKind? recordKind = null;
        if (kind is not null)
        {
            recordKind = RecordKindNames.TryParse(kind, out var parsed)
                ? parsed
                : throw new IntakeException(ErrorCodes.InvalidRequest, $"kind '{kind}' is not entity or interaction.");
        }

        long? sinceMs = null;
        if (since is not null)
        {
            sinceMs = Timestamps.TryParse(System.Text.Encoding.UTF8.GetBytes(since), out var parsedSince)
                ? parsedSince
                : throw new IntakeException(ErrorCodes.InvalidRequest, $"since '{since}' is not an ISO-8601 time or epoch milliseconds.");
        }

        var exportFormat = ExportFormats.Choose(format, request.Headers.Accept);
        if (exportFormat != ExportFormat.Ndjson && recordKind is null)
        {
            // Entities and interactions have different columns, and a CSV header or a Parquet schema is one for the whole file.
            return Problems.Result(ErrorCodes.InvalidRequest,
                $"A {exportFormat.ToWire()} export holds one kind of record: add kind=entity or kind=interaction (NDJSON exports mix both).");
        }

        var export = await queries.ExportAsync(id, recordKind, type, QueryValues.Tags(request.Query["tags"]), sinceMs, cancellationToken);
        return exportFormat == ExportFormat.Parquet
            ? new ParquetExportResult(export, recordKind!.Value, $"{id}-{(recordKind == RecordKind.Entity ? "entities" : "interactions")}.parquet")
            : new RecordExportResult(export, exportFormat == ExportFormat.Csv ? recordKind : null);
    }
}
