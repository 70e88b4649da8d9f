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
            .WithSummary("Stream current records as NDJSON, or CSV with Accept: text/csv (kind required), selected by kind, type, tags and since.")
            .TakesQuery("kind", "type", "tags", "since");
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
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            RecordJson.Write(writer, entity.Record, entity.BatchId);
        }

        return TypedResults.Content(System.Text.Encoding.UTF8.GetString(buffer.ToArray()), "application/json");
    }

    public static async Task<Results<RecordExportResult, ProblemHttpResult>> ExportAsync(string id, HttpRequest request, RecordQueries queries,
        CancellationToken cancellationToken, string? kind = null, string? type = null, string? since = null)
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

        var csv = request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);
        if (csv && recordKind is null)
        {
            return Problems.Result(ErrorCodes.InvalidRequest, "A CSV export holds one kind of record: add kind=entity or kind=interaction.");
        }

        var export = await queries.ExportAsync(id, recordKind, type, QueryValues.Tags(request.Query["tags"]), sinceMs, cancellationToken);
        return new RecordExportResult(export, csv ? recordKind : null);
    }
}
