using Intake.Server.Security;
using Intake.Core.Security;
using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Quality;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Core.Text;
using Intake.Server.Api.Contracts;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Intake.Server.Api;

public static class DatasetsEndpoints
{
    public static IEndpointRouteBuilder MapDatasetsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/datasets").WithTags("Datasets").TakesQuery();
        api.MapPost("/", CreateDatasetAsync).WithName("CreateDataset").WithSummary("Create a dataset.").RequireScope(ApiKeyScopes.Admin);
        api.MapGet("/", ListDatasetsAsync).WithName("ListDatasets").WithSummary("List datasets, paged by cursor.").TakesQuery("limit", "cursor");
        api.MapGet("/{id}", GetDatasetAsync).WithName("GetDataset").WithSummary("A dataset with its record counts.");
        api.MapPatch("/{id}", UpdateDatasetAsync).WithName("UpdateDataset").WithSummary("Rename or describe a dataset.").RequireScope(ApiKeyScopes.Admin);
        api.MapDelete("/{id}", DeleteDatasetAsync).WithName("DeleteDataset").WithSummary("Queue a delete_dataset job.").RequireScope(ApiKeyScopes.Admin);
        api.MapPost("/{id}/clear", ClearDatasetAsync).WithName("ClearDataset").WithSummary("Queue a clear_data job; the dataset stays.").RequireScope(ApiKeyScopes.Admin);
        api.MapGet("/{id}/counts", CountByTypeAsync).WithName("CountDatasetRecordsByType")
            .WithSummary("Current records per entity type and per interaction type (reads the records: slower on large datasets).");
        api.MapGet("/{id}/quality", GetDatasetQualityAsync).WithName("GetDatasetQuality")
            .WithSummary("Data-quality figures of the dataset's current records, computed now (one pass over them).");
        api.MapGet("/{id}/schema", GetSchemaAsync).WithName("GetDatasetSchema").WithSummary("Record types and attribute types of a dataset.");
        api.MapPatch("/{id}/schema", DeclareAttributesAsync).WithName("DeclareAttributeTypes").WithSummary("Declare attribute types.").RequireScope(ApiKeyScopes.Admin);
        api.MapPut("/{id}/schema/record-types/{name}", DefineRecordTypeAsync).WithName("DefineRecordType")
            .WithSummary("Define (or replace) a custom record type: a JSON Schema plus its key, as docs/record-types.md describes.")
            .RequireScope(ApiKeyScopes.Admin);
        return app;
    }

    public static async Task<Created<DatasetDto>> CreateDatasetAsync(CreateDatasetRequest request, DatasetService datasets, CancellationToken cancellationToken)
    {
        var dataset = await datasets.CreateAsync(request.Id, request.Name, request.Description, cancellationToken);
        return TypedResults.Created($"/v1/datasets/{dataset.Id}", DatasetDto.From(dataset, RecordCounts.Zero));
    }

    public static async Task<Ok<PageDto<DatasetDto>>> ListDatasetsAsync(DatasetService datasets, IJobStore jobs, int? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var page = await datasets.ListAsync(new PageRequest(QueryValues.Limit(limit), cursor), cancellationToken);
        var latest = await jobs.LatestImportsAsync(page.Items.Select(d => d.Id).ToList(), cancellationToken);
        var items = new List<DatasetDto>(page.Items.Count);
        foreach (var dataset in page.Items)
        {
            items.Add(DatasetDto.From(dataset, await datasets.CountAsync(dataset.Id, cancellationToken), latest.GetValueOrDefault(dataset.Id)));
        }

        return TypedResults.Ok(new PageDto<DatasetDto>(items, page.NextCursor));
    }

    public static async Task<Results<Ok<DatasetDto>, ProblemHttpResult>> GetDatasetAsync(string id, DatasetService datasets, IJobStore jobs,
        CancellationToken cancellationToken)
    {
        var dataset = await datasets.GetAsync(id, cancellationToken);
        if (dataset is null)
        {
            return Problems.Result(ErrorCodes.DatasetNotFound, $"Dataset '{id}' does not exist.");
        }

        var latest = await jobs.LatestImportsAsync([id], cancellationToken);
        return TypedResults.Ok(DatasetDto.From(dataset, await datasets.CountAsync(id, cancellationToken), latest.GetValueOrDefault(id)));
    }

    public static async Task<Ok<TypeCountsDto>> CountByTypeAsync(string id, RecordQueries queries, CancellationToken cancellationToken)
    {
        var counts = await queries.CountByTypeAsync(id, cancellationToken);
        return TypedResults.Ok(new TypeCountsDto(counts.Entities, counts.Interactions));
    }

    public static async Task<Ok<DatasetDto>> UpdateDatasetAsync(string id, UpdateDatasetRequest request, DatasetService datasets, CancellationToken cancellationToken) =>
        TypedResults.Ok(DatasetDto.From(await datasets.UpdateAsync(id, request.Name, request.Description, request.Quality, cancellationToken)));

    public static async Task<Accepted<JobDto>> DeleteDatasetAsync(string id, DatasetService datasets, CancellationToken cancellationToken)
    {
        var job = await datasets.DeleteAsync(id, cancellationToken);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", JobDto.From(job));
    }

    public static async Task<Accepted<JobDto>> ClearDatasetAsync(string id, DatasetService datasets, CancellationToken cancellationToken)
    {
        var job = await datasets.ClearAsync(id, cancellationToken);
        return TypedResults.Accepted($"/v1/jobs/{job.Id}", JobDto.From(job));
    }

    public static async Task<Ok<DatasetQualityDto>> GetDatasetQualityAsync(string id, QualityService quality, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var computedAt = time.GetUtcNow();
        return TypedResults.Ok(new DatasetQualityDto(id, computedAt, await quality.ForDatasetAsync(id, cancellationToken)));
    }

    public static async Task<Ok<SchemaDto>> GetSchemaAsync(string id, DatasetService datasets, IRecordStore records, RecordTypeRegistry recordTypes,
        CancellationToken cancellationToken)
    {
        await datasets.GetRequiredAsync(id, cancellationToken);
        return TypedResults.Ok(await SchemaOfAsync(id, records, recordTypes, cancellationToken));
    }

    public static async Task<Ok<RecordTypeDto>> DefineRecordTypeAsync(string id, string name, HttpRequest request, DatasetService datasets,
        RecordTypeRegistry recordTypes, CancellationToken cancellationToken)
    {
        await datasets.GetRequiredAsync(id, cancellationToken);
        using var body = new StreamReader(request.Body);
        var definition = await body.ReadToEndAsync(cancellationToken);
        var type = await recordTypes.DefineAsync(id, name, definition, cancellationToken);
        return TypedResults.Ok(RecordTypeDto.From(type, System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(definition)));
    }

    private static async Task<SchemaDto> SchemaOfAsync(string id, IRecordStore records, RecordTypeRegistry recordTypes, CancellationToken cancellationToken)
    {
        var custom = await recordTypes.CustomTypesAsync(id, cancellationToken);
        var definitions = (await recordTypes.DefinitionsAsync(id, cancellationToken)).ToDictionary(d => d.Name, d => d.Definition, StringComparer.OrdinalIgnoreCase);
        var types = recordTypes.Catalog.BuiltIn.Select(t => RecordTypeDto.From(t, null))
            .Concat(custom.Values.Select(t => RecordTypeDto.From(t, System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(definitions[t.Name]))))
            .ToList();
        var attributes = await records.GetAttributeTypesAsync(id, cancellationToken);
        return new SchemaDto(types, attributes.ToDictionary(a => a.Key, a => a.Value.ToWire()));
    }

    public static async Task<Results<Ok<SchemaDto>, ProblemHttpResult>> DeclareAttributesAsync(string id, DeclareAttributesRequest request,
        DatasetService datasets, IRecordStore records, RecordTypeRegistry recordTypes, IOptions<LimitsOptions> limits, CancellationToken cancellationToken)
    {
        await datasets.GetRequiredAsync(id, cancellationToken);
        var declared = new Dictionary<string, AttributeType>(StringComparer.Ordinal);
        foreach (var (name, typeName) in request.Attributes ?? [])
        {
            if (!AttributeTypeNames.TryParse(typeName, out var type))
            {
                return Problems.Result(ErrorCodes.InvalidRequest,
                    $"Attribute {name} has type '{typeName}', which is not one of {string.Join(", ", Enum.GetValues<AttributeType>().Select(t => t.ToWire()))}.");
            }

            declared[name] = type;
        }

        var known = await records.GetAttributeTypesAsync(id, cancellationToken);
        var added = declared.Keys.Count(name => !known.ContainsKey(name));
        if (added > 0 && known.Count + added > limits.Value.MaxAttributes)
        {
            return Problems.Result(ErrorCodes.InvalidRequest,
                $"Declaring {added:N0} new attribute{(added == 1 ? "" : "s")} would give dataset {id} {known.Count + added:N0}; a dataset has at most " +
                $"{limits.Value.MaxAttributes:N0} (Limits:MaxAttributes). Nothing was declared.");
        }

        var conflicts = await records.DeclareAttributeTypesAsync(id, declared, cancellationToken);
        if (conflicts.Count > 0)
        {
            return Problems.Result(ErrorCodes.IllegalTransition, $"These attributes have another type already: {NameList.Of(conflicts)}.");
        }

        return TypedResults.Ok(await SchemaOfAsync(id, records, recordTypes, cancellationToken));
    }

    public sealed record DeclareAttributesRequest(Dictionary<string, string>? Attributes);

    public sealed record SchemaDto(IReadOnlyList<RecordTypeDto> RecordTypes, IReadOnlyDictionary<string, string> AttributeTypes);

    /// <summary>A record type; <see cref="Definition"/> is the stored definition of a custom type, null for built-in ones.</summary>
    public sealed record RecordTypeDto(string Name, string Kind, IReadOnlyList<string> RequiredFields, bool BuiltIn, System.Text.Json.JsonElement? Definition)
    {
        public static RecordTypeDto From(RecordType type, System.Text.Json.JsonElement? definition) =>
            new(type.Name, type.Kind.ToWire(), type.RequiredColumns, definition is null, definition);
    }
}
