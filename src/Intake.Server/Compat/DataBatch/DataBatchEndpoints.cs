using Intake.Server.Security;
using Intake.Core.Security;
using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Intake.Server.Api;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Intake.Server.Compat.DataBatch;

/// <summary>
/// The data-batch API (seeds/000): CSV batches into one configured dataset, entity or interaction decided by
/// the header, tags, batch info by id or tags, delete and archive. A thin translator onto the import service.
/// </summary>
internal static class DataBatchEndpoints
{
    public static IEndpointRouteBuilder MapDataBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/data_batch").WithTags("Data-batch API").TakesQuery();
        api.MapPost("/", UploadBatchAsync).WithName("DataBatchUpload").WithSummary("Upload a CSV batch (raw body or multipart), optionally tagged.")
            .DisableAntiforgery().TakesQuery("tags");
        api.MapGet("/", GetBatchesAsync).WithName("DataBatchInfo")
            .WithSummary("Batch info by batch_id; else a page of batches (those with any of tags, or all), newest first, with their totals.")
            .TakesQuery("batch_id", "tags", "limit", "cursor");
        api.MapDelete("/{batchId}", DeleteBatchAsync).WithName("DataBatchDelete").WithSummary("Delete the records a batch last wrote.").RequireScope(ApiKeyScopes.Admin);
        api.MapPost("/{batchId}/archive", ArchiveBatchAsync).WithName("DataBatchArchive").WithSummary("Leave a batch's records out of reads.");
        return app;
    }

    public static async Task<Results<Ok<BatchInfoDto>, Accepted<BatchInfoDto>, ProblemHttpResult>> UploadBatchAsync(HttpRequest request,
        DataBatchService batches, CancellationToken cancellationToken)
    {
        var upload = await UploadBody.OpenAsync(request, cancellationToken);
        if (upload is null)
        {
            return Problems.Result(ErrorCodes.EmptyBody, "The multipart form holds no file part.");
        }

        var tags = QueryValues.Tags(request.Query["tags"]).Concat(QueryValues.Tags(upload.Fields.GetValueOrDefault("tags"))).ToList();
        var (info, final) = await batches.UploadAsync(upload, tags, request.Headers["Idempotency-Key"].FirstOrDefault(), cancellationToken);
        return final ? TypedResults.Ok(info) : TypedResults.Accepted($"/data_batch?batch_id={info.BatchId}", info);
    }

    public static async Task<Results<Ok<BatchInfoDto>, Ok<BatchListDto>, ProblemHttpResult>> GetBatchesAsync(HttpRequest request,
        DataBatchService batches, CancellationToken cancellationToken, string? batch_id = null, int? limit = null, string? cursor = null)
    {
        if (batch_id is not null)
        {
            var info = await batches.GetAsync(batch_id, cancellationToken);
            return info is null ? Problems.Result(ErrorCodes.ImportNotFound, $"Batch '{batch_id}' does not exist.") : TypedResults.Ok(info);
        }

        var page = new PageRequest(QueryValues.Limit(limit), cursor);
        return TypedResults.Ok(await batches.ListAsync(QueryValues.Tags(request.Query["tags"]), page, cancellationToken));
    }

    public static async Task<Results<Ok<BatchInfoDto>, ProblemHttpResult>> DeleteBatchAsync(string batchId, DataBatchService batches,
        CancellationToken cancellationToken) =>
        await batches.DeleteAsync(batchId, cancellationToken) is { } info
            ? TypedResults.Ok(info)
            : Problems.Result(ErrorCodes.ImportNotFound, $"Batch '{batchId}' does not exist.");

    public static async Task<Results<Ok<BatchInfoDto>, ProblemHttpResult>> ArchiveBatchAsync(string batchId, DataBatchService batches,
        CancellationToken cancellationToken) =>
        await batches.ArchiveAsync(batchId, cancellationToken) is { } info
            ? TypedResults.Ok(info)
            : Problems.Result(ErrorCodes.ImportNotFound, $"Batch '{batchId}' does not exist.");
}
