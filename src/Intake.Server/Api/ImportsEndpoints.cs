using Intake.Server.Security;
using Intake.Core.Security;
using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Quality;
using Intake.Core.Storage;
using Intake.Server.Api.Contracts;
using Intake.Server.Api.Events;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Intake.Core.Scheduling;

namespace Intake.Server.Api;

public static class ImportsEndpoints
{
    /// <summary>How many errors the status response carries (DESIGN.md 2.5); the errors stream has the rest.</summary>
    public const int ErrorsInStatus = 100;

    public static IEndpointRouteBuilder MapImportsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/datasets/{id}/imports", CreateImportAsync).WithTags("Imports").WithName("CreateImport")
            .WithSummary("Import a file sent as the body (or a multipart file), or {url, …} to fetch one.").DisableAntiforgery()
            .TakesQuery("recordType", "mode", "plan", "tags", "format", "delimiter", "timestampUnit", "maxErrors", "maxErrorRatio");

        var api = app.MapGroup("/v1/imports").WithTags("Imports").TakesQuery();
        api.MapGet("/", ListImportsAsync).WithName("ListImports").WithSummary("List imports, newest first.")
            .TakesQuery("dataset", "status", "tag", "record_type", "from", "to", "limit", "cursor");
        api.MapGet("/{id}", GetImportAsync).WithName("GetImport").WithSummary("An import with its progress and first 100 errors.").IsStatusPolling();
        api.MapGet("/{id}/events", StreamEventsAsync).WithName("StreamImportEvents").IsStatusPolling()
            .WithSummary("Live progress as Server-Sent Events: a snapshot, status changes, progress with rate and ETA, a final event.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        api.MapGet("/{id}/quality", GetImportQualityAsync).WithName("GetImportQuality")
            .WithSummary("Data-quality figures of a finished load, its warnings, and the previous load's figures to compare with.");
        api.MapGet("/{id}/errors", StreamErrorsAsync).WithName("StreamImportErrors")
            .WithSummary("The stored errors of an import in line order, as NDJSON or CSV (format=csv or Accept: text/csv); offset and limit page them.")
            .TakesQuery("offset", "limit", "format");
        api.MapPost("/{id}/apply", ApplyPlanAsync).WithName("ApplyPlan")
            .WithSummary("Apply a plan: a new import loads the plan's staged file in its mode, with no second upload.");
        api.MapPost("/{id}/cancel", CancelImportAsync).WithName("CancelImport").WithSummary("Cancel a queued or processing import.");
        api.MapPost("/{id}/archive", ArchiveImportAsync).WithName("ArchiveImport").WithSummary("Leave the import's records out of reads.");
        api.MapPost("/{id}/unarchive", UnarchiveImportAsync).WithName("UnarchiveImport").WithSummary("Bring an archived import's records back.");
        api.MapDelete("/{id}", DeleteImportAsync).WithName("DeleteImport").WithSummary("Queue a delete_batch job removing the records it last wrote.").RequireScope(ApiKeyScopes.Admin);
        return app;
    }

    public static async Task<Results<Accepted<ImportDto>, ProblemHttpResult>> CreateImportAsync(
        string id, HttpRequest request, ImportService imports, CancellationToken cancellationToken,
        [FromQuery] string? recordType = null, [FromQuery] string? mode = null, [FromQuery] string? format = null, [FromQuery] string? delimiter = null,
        [FromQuery] string? timestampUnit = null,
        [FromQuery] string? maxErrors = null, [FromQuery] string? maxErrorRatio = null, [FromQuery] string? plan = null)
    {
        var (writeMode, planned) = QueryValues.ModeAndPlan(mode, plan);
        var template = new NewImport
        {
            DatasetId = id,
            RecordType = recordType ?? "auto",
            Mode = writeMode,
            Plan = planned,
            Tags = QueryValues.Tags(request.Query["tags"]),
            Format = QueryValues.Format(format),
            Delimiter = QueryValues.Delimiter(delimiter),
            TimestampUnit = QueryValues.TimestampUnit(timestampUnit),
            MaxErrors = QueryValues.MaxErrors(maxErrors),
            MaxErrorRatio = QueryValues.MaxErrorRatio(maxErrorRatio),
            IdempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault(),
        };

        var (urlRequest, body) = await UrlImportProbe.ReadAsync(request, cancellationToken);
        ImportInfo import;
        if (urlRequest is not null)
        {
            import = await imports.FetchAsync(template with
            {
                SourceUrl = urlRequest.Url,
                RecordType = urlRequest.RecordType ?? template.RecordType,
                Mode = urlRequest.Mode is null ? template.Mode : QueryValues.ModeAndPlan(urlRequest.Mode, null).Mode,
                Plan = template.Plan || urlRequest.Plan == true || string.Equals(urlRequest.Mode, "plan", StringComparison.OrdinalIgnoreCase),
                Tags = urlRequest.Tags is { Count: > 0 } tags ? tags : template.Tags,
                Format = QueryValues.Format(urlRequest.Format) ?? template.Format,
                Delimiter = urlRequest.Delimiter is null ? template.Delimiter : QueryValues.Delimiter(urlRequest.Delimiter),
                TimestampUnit = urlRequest.TimestampUnit is null ? template.TimestampUnit : QueryValues.TimestampUnit(urlRequest.TimestampUnit),
                MaxErrors = QueryValues.MaxErrors(urlRequest.MaxErrors) ?? template.MaxErrors,
                MaxErrorRatio = QueryValues.MaxErrorRatio(urlRequest.MaxErrorRatio) ?? template.MaxErrorRatio,
            }, cancellationToken);
        }
        else
        {
            var upload = await UploadBody.OpenAsync(request, cancellationToken);
            if (upload is null)
            {
                return Problems.Result(ErrorCodes.EmptyBody, "The multipart form holds no file part.");
            }

            var stream = body is null ? upload.Stream : body;
            import = await imports.UploadAsync(ImportFormFields.Apply(template, upload.Fields, request.HttpContext) with
            {
                FileName = upload.FileName ?? request.Headers["X-File-Name"].FirstOrDefault(),
                ContentType = upload.ContentType,
                ContentEncoding = upload.ContentEncoding,
            }, stream, upload.DeclaredLength, cancellationToken);
        }

        return TypedResults.Accepted($"/v1/imports/{import.Id}", ImportDto.From(import));
    }

    public static async Task<Ok<PageDto<ImportDto>>> ListImportsAsync(IJobStore jobs, CancellationToken cancellationToken,
        string? dataset = null, string? status = null, string? tag = null, [FromQuery(Name = "record_type")] string? recordType = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int? limit = null, string? cursor = null)
    {
        var page = await jobs.ListImportsAsync(
            new ImportFilter(dataset, QueryValues.Status(status), tag, recordType, from, to),
            new PageRequest(QueryValues.Limit(limit), cursor), cancellationToken);
        return TypedResults.Ok(new PageDto<ImportDto>(page.Items.Select(i => ImportDto.From(i)).ToList(), page.NextCursor));
    }

    public static async Task<Results<Ok<ImportDto>, ProblemHttpResult>> GetImportAsync(string id, ImportService imports, RecordQueries queries,
        IOptions<RetentionOptions> retention, CancellationToken cancellationToken)
    {
        var import = await imports.GetAsync(id, cancellationToken);
        if (import is null)
        {
            return Problems.Result(ErrorCodes.ImportNotFound, $"Import '{id}' does not exist.");
        }

        // A load's rejections commit with it, so a queued or processing import has none to show yet, and a final one
        // has them only if its counts say so: the poll clients repeat is then one query.
        var errors = import.Status is JobStatus.Queued or JobStatus.Processing || import.Progress.RecordsRejected == 0
            ? []
            : await queries.ErrorsOf(import, 0, ErrorsInStatus, cancellationToken).ToListAsync(cancellationToken);
        return TypedResults.Ok(ImportDto.From(import, errors, await PlannedAsync(import, queries, retention.Value, cancellationToken)));
    }

    /// <summary>A finished plan's result; it can be applied while its file is staged, until the staged-file retention after it finished.</summary>
    private static async Task<PlannedDto?> PlannedAsync(ImportInfo import, RecordQueries queries, RetentionOptions retention, CancellationToken cancellationToken)
    {
        if (await queries.PlanAsync(import, cancellationToken) is not { } plan)
        {
            return null;
        }

        var until = plan.AppliedBy is null && import.PayloadId is not null ? import.FinishedAt?.AddDays(retention.StagedFileDays) : null;
        return PlannedDto.From(import, plan.Report, plan.Rejected, plan.AppliedBy, until, plan.BatchIds);
    }

    public static async Task<Results<Accepted<ImportDto>, Ok<ImportDto>>> ApplyPlanAsync(string id, ImportService imports, CancellationToken cancellationToken)
    {
        var application = await imports.ApplyAsync(id, cancellationToken);
        var import = ImportDto.From(application.Import);
        return application.Created ? TypedResults.Accepted($"/v1/imports/{import.Id}", import) : TypedResults.Ok(import);
    }

    public static async Task<Results<ProgressEventStream, ProblemHttpResult>> StreamEventsAsync(string id, HttpRequest request, ProgressFeeds feeds,
        CancellationToken cancellationToken)
    {
        var first = await feeds.ReadImportAsync(id, cancellationToken);
        return first is null
            ? Problems.Result(ErrorCodes.ImportNotFound, $"Import '{id}' does not exist.")
            : new ProgressEventStream(feeds, ct => feeds.ReadImportAsync(id, ct), first, ProgressEventStream.LastEventId(request));
    }

    public static async Task<Ok<ImportQualityDto>> GetImportQualityAsync(string id, QualityService quality, CancellationToken cancellationToken) =>
        TypedResults.Ok(ImportQualityDto.From(await quality.ForImportAsync(id, cancellationToken)));

    public static async Task<Results<NdjsonResult<RecordErrorDto>, ErrorsCsvResult>> StreamErrorsAsync(string id, HttpRequest request,
        RecordQueries queries, CancellationToken cancellationToken, long? offset = null, int? limit = null, string? format = null)
    {
        if (offset < 0)
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, "offset must be 0 or more.");
        }

        if (limit is < 1)
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, "limit must be 1 or more.");
        }

        var csv = format switch
        {
            null => request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true),
            "csv" => true,
            "ndjson" => false,
            _ => throw new IntakeException(ErrorCodes.InvalidRequest, $"format '{format}' is not csv or ndjson."),
        };
        var errors = await queries.ErrorsAsync(id, offset ?? 0, limit, cancellationToken);
        return csv
            ? new ErrorsCsvResult(errors, format is null ? null : $"{id}-rejected.csv")
            : new NdjsonResult<RecordErrorDto>(errors.Select(RecordErrorDto.From));
    }

    public static async Task<Ok<ImportDto>> CancelImportAsync(string id, HttpContext context, ImportService imports, CancellationToken cancellationToken) =>
        TypedResults.Ok(ImportDto.From(await imports.CancelAsync(id, CallerOf(context), cancellationToken)));

    /// <summary>Who is asking, for the job log: the key's id, else "api" (development mode).</summary>
    internal static string CallerOf(HttpContext context) => (context.Items[typeof(AuthResult)] as AuthResult)?.KeyId ?? "api";

    public static async Task<Ok<ImportDto>> ArchiveImportAsync(string id, ImportService imports, CancellationToken cancellationToken) =>
        TypedResults.Ok(ImportDto.From(await imports.SetArchivedAsync(id, true, cancellationToken)));

    public static async Task<Ok<ImportDto>> UnarchiveImportAsync(string id, ImportService imports, CancellationToken cancellationToken) =>
        TypedResults.Ok(ImportDto.From(await imports.SetArchivedAsync(id, false, cancellationToken)));

    public static async Task<Accepted<JobDto>> DeleteImportAsync(string id, ImportService imports, CancellationToken cancellationToken)
    {
        var job = await imports.DeleteBatchAsync(id, cancellationToken);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", JobDto.From(job));
    }
}
