using Intake.Server.Security;
using Intake.Core.Imports;
using Intake.Core.Security;
using Intake.Core.Jobs;
using Intake.Server.Api.Contracts;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Server.Api;

/// <summary>
/// The two-step upload, shared by the native API and the bulk-write API: create an upload with its
/// destination, then PUT the bytes to the URL it returns, which starts the import. The bulk-write API's
/// <c>Auth-Api-Token</c> header is a key secret, checked by the key middleware. The returned URL is a
/// capability (<see cref="UploadTokens"/>): built from <c>PublicUrl</c> or the listening address, never the
/// request's <c>Host</c>, and carrying a token that lets one PUT through without a key, as the bulk-write
/// vendor's upload script sends it.
/// </summary>
public static class UploadsEndpoints
{
    public static IEndpointRouteBuilder MapUploadsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/uploads").WithTags("Uploads").TakesQuery();
        api.MapPost("/", CreateUploadAsync).WithName("CreateUpload").WithSummary("Create an upload with its destination; PUT the file to the returned url.");
        api.MapPut("/{id}", PutUploadAsync).WithName("PutUpload").WithSummary("Send the file of an upload; starts its import.").DisableAntiforgery()
            .TakesQuery(UploadCapability.TokenParameter).WithMetadata(new UploadCapability());
        api.MapGet("/{id}", GetUploadAsync).WithName("GetUpload").WithSummary("The import an upload started.").IsStatusPolling();
        return app;
    }

    public static async Task<Results<Created<UploadCreatedDto>, ProblemHttpResult>> CreateUploadAsync(CreateUploadRequest request, HttpContext http,
        ImportService imports, UploadLinks links, CancellationToken cancellationToken)
    {
        var destination = request.Destination;
        if (destination is null || !string.Equals(destination.DestinationType, "dataset_load", StringComparison.Ordinal))
        {
            return Problems.Result(ErrorCodes.InvalidRequest, "destination.destination_type must be \"dataset_load\".");
        }

        if (string.IsNullOrWhiteSpace(destination.DatasetId))
        {
            return Problems.Result(ErrorCodes.InvalidRequest, "destination.dataset_id is required.");
        }

        var import = await imports.CreateUploadAsync(new NewImport
        {
            DatasetId = destination.DatasetId,
            RecordType = string.IsNullOrWhiteSpace(destination.RecordType) ? "auto" : destination.RecordType,
            Mode = QueryValues.Mode(destination.Mode),
            Tags = destination.Tags ?? [],
            TimestampUnit = QueryValues.TimestampUnit(destination.TimestampUnit),
            FileName = request.Filename,
            Origin = "bulk_write",
            IdempotencyKey = http.Request.Headers["Idempotency-Key"].FirstOrDefault(),
        }, cancellationToken);
        var (status, url) = await links.CreateAsync(import.Id, (http.Items[typeof(AuthResult)] as AuthResult)?.KeyId, cancellationToken);
        return TypedResults.Created(status, new UploadCreatedDto(import.Id, url, import.DatasetId, import.Request.RecordType));
    }

    public static async Task<Results<Ok<ImportDto>, ProblemHttpResult>> PutUploadAsync(string id, HttpRequest request, ImportService imports,
        CancellationToken cancellationToken)
    {
        try
        {
            var import = await imports.ReceiveUploadAsync(id, request.BodyReader.AsStream(), request.ContentLength, cancellationToken);
            return TypedResults.Ok(ImportDto.From(import));
        }
        catch (IntakeException exception) when (exception.Code == ErrorCodes.UploadAlreadyReceived && request.Query.ContainsKey(UploadCapability.TokenParameter))
        {
            // Two PUTs with one token that both passed its check: the second lost the race for the upload.
            return Problems.Result(ErrorCodes.UploadTokenUsed, exception.Message);
        }
    }

    public static async Task<Results<Ok<ImportDto>, ProblemHttpResult>> GetUploadAsync(string id, ImportService imports, CancellationToken cancellationToken)
    {
        var import = await imports.GetAsync(id, cancellationToken);
        return import is null ? Problems.Result(ErrorCodes.UploadNotFound, $"Upload '{id}' does not exist.") : TypedResults.Ok(ImportDto.From(import));
    }

    public sealed record CreateUploadRequest(string? Filename, UploadDestination? Destination);

    public sealed record UploadDestination(string? DestinationType, string? DatasetId, string? RecordType, string? Mode, IReadOnlyList<string>? Tags,
        string? TimestampUnit = null);

    public sealed record UploadCreatedDto(string Id, string Url, string DatasetId, string RecordType);
}
