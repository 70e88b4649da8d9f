using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Core.Quality;

/// <summary>
/// Data-quality reports: set up and finish the report of a load (computed from the records the load already
/// reads, plus the ids of the other kind read once from the store), read a finished load's report back beside the
/// previous load's, and compute a dataset's on demand in one pass over its visible records. Thread-safe.
/// </summary>
public sealed class QualityService(IJobStore jobs, IRecordStore records, RecordQueries queries, TimeProvider time)
{
    /// <summary>How many earlier imports of the dataset are looked through for the previous load of the same kind.</summary>
    private const int PreviousSearchLimit = 200;

    /// <summary>A finished load's report beside the previous load's, and the warnings it raised.</summary>
    public sealed record ImportQuality(ImportInfo Import, QualityReport? Report, IReadOnlyList<ImportWarning> Warnings, string? PreviousImportId,
        QualityReport? Previous);

    /// <summary>
    /// A collector for a load of <paramref name="kind"/>, given the ids of the other kind as the dataset holds them
    /// now: an interaction load's orphans need the entity ids, an entity load's cold entities the interactions' ids.
    /// </summary>
    public async Task<QualityCollector> StartLoadAsync(string datasetId, RecordKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dataset = await jobs.GetDatasetAsync(datasetId, cancellationToken);
        var collector = new QualityCollector(now, dataset?.Quality?.TimestampFloor);
        var ids = new IdTally();
        await records.ReadIdsAsync(datasetId, kind == RecordKind.Entity ? RecordKind.Interaction : RecordKind.Entity, ids, cancellationToken);
        if (kind == RecordKind.Interaction)
        {
            collector.UseEntityIds(ids);
        }
        else
        {
            collector.UseEndpointIds(ids);
        }

        return collector;
    }

    /// <summary>
    /// The load's report, the warnings its dataset's thresholds raise, and the previous load to compare with
    /// (a plan is compared too, but is never anyone's previous load).
    /// </summary>
    public async Task<(QualityReport Report, IReadOnlyList<ImportWarning> Warnings, string? PreviousImportId)> FinishLoadAsync(
        ImportInfo import, QualityCollector collector, RecordKind kind, IReadOnlyDictionary<string, AttributeType> attributeTypes, long duplicates,
        CancellationToken cancellationToken)
    {
        var report = collector.Build(attributeTypes, kind, duplicates);
        var dataset = await jobs.GetDatasetAsync(import.DatasetId, cancellationToken);
        var warnings = dataset?.Quality?.Check(report) ?? [];
        return (report, warnings, await FindPreviousAsync(import, kind.ToWire(), cancellationToken));
    }

    /// <summary>The newest applied load before this one, of the same kind, that kept a quality report.</summary>
    private async Task<string?> FindPreviousAsync(ImportInfo import, string kind, CancellationToken cancellationToken)
    {
        string? cursor = null;
        var examined = 0;
        do
        {
            var page = await jobs.ListImportsAsync(new ImportFilter(import.DatasetId), new PageRequest(50, cursor), cancellationToken);
            foreach (var candidate in page.Items)
            {
                if (candidate.Seq >= import.Seq || candidate.Request.Plan || candidate.Status is not (JobStatus.Completed or JobStatus.CompletedWithErrors))
                {
                    continue;
                }

                var marker = await records.FindAppliedLoadAsync(import.DatasetId, candidate.Id, cancellationToken);
                if (LoadReport.Parse(marker?.Report)?.Quality?.Kind == kind)
                {
                    return candidate.Id;
                }

                if (++examined >= PreviousSearchLimit)
                {
                    return null;
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return null;
    }

    /// <summary>A load's report as its marker keeps it, and the previous load's; the report is null until the load finished (or if it failed).</summary>
    public async Task<ImportQuality> ForImportAsync(string importId, CancellationToken cancellationToken)
    {
        var import = await jobs.GetImportAsync(importId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{importId}' does not exist.");
        var report = LoadReport.Parse((await records.FindAppliedLoadAsync(import.DatasetId, import.Id, cancellationToken))?.Report);
        var previous = report?.PreviousImportId is { } previousId
            ? LoadReport.Parse((await records.FindAppliedLoadAsync(import.DatasetId, previousId, cancellationToken))?.Report)?.Quality
            : null;
        return new ImportQuality(import, report?.Quality, import.Warnings, report?.PreviousImportId, previous);
    }

    /// <summary>
    /// The figures of the dataset's current visible records (archived imports' records left out), in one pass:
    /// entities first, whose ids the interactions are then checked against.
    /// </summary>
    public async Task<QualityReport> ForDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        var dataset = await jobs.GetDatasetAsync(datasetId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.DatasetNotFound, $"Dataset '{datasetId}' does not exist.");
        var collector = new QualityCollector(time.GetUtcNow(), dataset.Quality?.TimestampFloor);
        foreach (var kind in new[] { RecordKind.Entity, RecordKind.Interaction })
        {
            var export = await queries.ExportAsync(datasetId, kind, null, [], null, cancellationToken);
            await foreach (var record in export.Records.WithCancellation(cancellationToken))
            {
                collector.Add(record);
            }
        }

        return collector.Build(await records.GetAttributeTypesAsync(datasetId, cancellationToken), null, null);
    }
}
