using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Core.Datasets;

/// <summary>
/// Reads records back for training and lookups. Only records whose last writer is a visible import count:
/// archived imports' records are left out, and tags select imports. Thread-safe.
/// </summary>
public sealed class RecordQueries(IJobStore jobs, IRecordStore records)
{
    /// <summary>A finished plan: its report, its rejections, the import applying it if any, and the import ids of the stored records it shows.</summary>
    public sealed record PlanView(LoadReport Report, long Rejected, string? AppliedBy, IReadOnlyDictionary<long, string> BatchIds);

    /// <summary>
    /// An export: the records to stream, the import id of each batch seq they carry, and the dataset's attribute types
    /// as they were just before the records were read (typed formats give each typed attribute a column).
    /// </summary>
    public sealed record Export(IAsyncEnumerable<StoredRecord> Records, IReadOnlyDictionary<long, string> BatchIds,
        IReadOnlyDictionary<string, AttributeType> AttributeTypes);

    public async Task<Export> ExportAsync(string datasetId, RecordKind? kind, string? type, IReadOnlyList<string> tags, long? since,
        CancellationToken cancellationToken)
    {
        await RequireDatasetAsync(datasetId, cancellationToken);
        var batches = await jobs.VisibleBatchesAsync(datasetId, tags, cancellationToken);
        var query = new ExportQuery(kind, type, batches.Keys.ToList(), since);
        var attributeTypes = await records.GetAttributeTypesAsync(datasetId, cancellationToken);
        return new Export(records.ExportAsync(datasetId, query, cancellationToken), batches, attributeTypes);
    }

    public async Task<(StoredRecord Record, string BatchId)?> FindEntityAsync(string datasetId, string type, string id, CancellationToken cancellationToken)
    {
        await RequireDatasetAsync(datasetId, cancellationToken);
        var record = await records.FindEntityAsync(datasetId, type, id, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var visible = await jobs.VisibleBatchesAsync(datasetId, [], cancellationToken);
        return visible.TryGetValue(record.BatchSeq, out var batchId) ? (record, batchId) : null;
    }

    /// <summary>The stored rejections of an import, in line order; <paramref name="limit"/> null reads them all.</summary>
    public Task<IAsyncEnumerable<RecordRejection>> ErrorsAsync(string importId, int? limit, CancellationToken cancellationToken) =>
        ErrorsAsync(importId, 0, limit, cancellationToken);

    /// <summary>A page of the stored rejections of an import, in line order, after the first <paramref name="offset"/>.</summary>
    public async Task<IAsyncEnumerable<RecordRejection>> ErrorsAsync(string importId, long offset, int? limit, CancellationToken cancellationToken)
    {
        var import = await jobs.GetImportAsync(importId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{importId}' does not exist.");
        return ErrorsOf(import, offset, limit, cancellationToken);
    }

    /// <summary>The current records of a dataset per entity and interaction type.</summary>
    public async Task<TypeCounts> CountByTypeAsync(string datasetId, CancellationToken cancellationToken)
    {
        await RequireDatasetAsync(datasetId, cancellationToken);
        return await records.CountByTypeAsync(datasetId, cancellationToken);
    }

    /// <summary>The stored rejections of an import already read (the status poll reads it once, not twice).</summary>
    public IAsyncEnumerable<RecordRejection> ErrorsOf(ImportInfo import, long offset, int? limit, CancellationToken cancellationToken) =>
        records.ReadErrorsAsync(import.DatasetId, import.Id, offset, limit, cancellationToken);

    /// <summary>What a plan found, read from its load's marker; null until the plan has finished (or for another import).</summary>
    public async Task<PlanView?> PlanAsync(ImportInfo plan, CancellationToken cancellationToken)
    {
        if (!plan.Request.Plan || plan.Status != JobStatus.Planned)
        {
            return null;
        }

        var marker = await records.FindAppliedLoadAsync(plan.DatasetId, plan.Id, cancellationToken);
        if (LoadReport.Parse(marker?.Report) is not { } report)
        {
            return null;
        }

        var batches = await jobs.VisibleBatchesAsync(plan.DatasetId, [], cancellationToken);
        return new PlanView(report, marker!.Totals.Rejected, await jobs.FindPlanApplicationAsync(plan.Id, cancellationToken), batches);
    }

    private async Task RequireDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        if (await jobs.GetDatasetAsync(datasetId, cancellationToken) is null)
        {
            throw new IntakeException(ErrorCodes.DatasetNotFound, $"Dataset '{datasetId}' does not exist.");
        }
    }
}
