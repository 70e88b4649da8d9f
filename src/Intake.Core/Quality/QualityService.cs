using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Quality;

/// <summary>
/// Data-quality reports: set up and finish the report of a load (computed from the records the load already
/// reads, plus the ids of the other kind read once from the store), read a finished load's report back beside the
/// previous load's, and compute a dataset's on demand in one pass over its visible records. Thread-safe.
/// </summary>
public sealed class QualityService(IJobStore jobs, IRecordStore records, RecordQueries queries, IOptions<QualityOptions> options, TimeProvider time)
{
    private readonly KeptIdSets _kept = new(options.Value.KeptIdMegabytes * 1024L * 1024);

    /// <summary>How many earlier imports of the dataset are looked through for the previous load of the same kind.</summary>
    private const int PreviousSearchLimit = 200;

    /// <summary>A load's collector, and the id sets it was started with (<see cref="EndLoad"/> keeps them for the next load).</summary>
    public sealed record LoadQuality(QualityCollector Collector, KeptIdSets.DatasetState State, RecordKind Kind, IdTally CheckedAgainst, IdTally? Own);

    /// <summary>A finished load's report beside the previous load's, and the warnings it raised.</summary>
    public sealed record ImportQuality(ImportInfo Import, QualityReport? Report, IReadOnlyList<ImportWarning> Warnings, string? PreviousImportId,
        QualityReport? Previous);

    /// <summary>
    /// A collector for a load of <paramref name="kind"/>, given the ids of the other kind as the dataset holds them
    /// at <paramref name="datasetVersion"/> (the sink's, under the load's lock): an interaction load's orphans need
    /// the entity ids, an entity load's cold entities the interactions' ids. The ids come from the sets kept by the
    /// dataset's previous load when it left the dataset in this state, and are read from the store otherwise.
    /// </summary>
    public async Task<LoadQuality> StartLoadAsync(string datasetId, RecordKind kind, long datasetVersion, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var dataset = await jobs.GetDatasetAsync(datasetId, cancellationToken);
        var state = new KeptIdSets.DatasetState(datasetId, dataset?.CreatedAt ?? default, datasetVersion);
        var collector = new QualityCollector(now, dataset?.Quality?.TimestampFloor);
        var other = kind == RecordKind.Entity ? RecordKind.Interaction : RecordKind.Entity;
        var checkedAgainst = _kept.Take(state, other);
        if (checkedAgainst is null)
        {
            checkedAgainst = new IdTally();
            await records.ReadIdsAsync(datasetId, other, checkedAgainst, cancellationToken);
        }

        // The load's own kind is kept only to be added to; a dataset without records of it needs no read.
        var own = _kept.Take(state, kind);
        if (own is null && await HoldsNoneAsync(datasetId, kind, cancellationToken))
        {
            own = new IdTally();
        }

        if (kind == RecordKind.Interaction)
        {
            collector.UseEntityIds(checkedAgainst);
        }
        else
        {
            collector.UseEndpointIds(checkedAgainst);
        }

        return new LoadQuality(collector, state, kind, checkedAgainst, own);
    }

    private async Task<bool> HoldsNoneAsync(string datasetId, RecordKind kind, CancellationToken cancellationToken)
    {
        var counts = await records.CountAsync(datasetId, cancellationToken);
        return (kind == RecordKind.Entity ? counts.Entities : counts.Interactions) == 0;
    }

    /// <summary>
    /// Gathers the ids the load's records name into the form <see cref="EndLoad"/> keeps (the union of an entity load's
    /// types), so that this can run on another thread while the load commits. Call it once the collector has all the
    /// records, and nothing else may use the collector until it returns.
    /// </summary>
    public static void PrepareEnd(LoadQuality load) => load.Collector.IdsNamed(load.Kind);

    /// <summary>
    /// Keeps the load's id sets for the dataset's next load, once the load committed: as they were if it was not
    /// applied (a plan, a failure), with the load's own ids added if it was. A replace load's deletions are not
    /// known here, so its own kind's set is dropped.
    /// </summary>
    public void EndLoad(LoadQuality load, bool applied, WriteMode mode)
    {
        var other = load.Kind == RecordKind.Entity ? RecordKind.Interaction : RecordKind.Entity;
        var state = applied ? load.State.Next() : load.State;
        _kept.Put(state, other, load.CheckedAgainst);
        if (load.Own is not { } own || (applied && mode == WriteMode.Replace))
        {
            return;
        }

        if (!applied)
        {
            _kept.Put(state, load.Kind, own);
            return;
        }

        // A first load of its kind keeps the set its collector made rather than copying it into an empty one: for 500,000
        // ids of three types the union and its copy took 46-65 ms here, after the commit and before the load's status was
        // final. The union, made at its size at once, takes 24-27 ms, beside the commit (PrepareEnd). The collector is done with it.
        var named = load.Collector.IdsNamed(load.Kind).ToList();
        if (own.Count == 0 && named is [var only])
        {
            _kept.Put(state, load.Kind, only);
        }
        else if (named.All(own.UnionWith))
        {
            _kept.Put(state, load.Kind, own);
        }
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
