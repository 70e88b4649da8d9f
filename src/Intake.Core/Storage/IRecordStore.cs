using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// The data plane: each dataset's current records, the rejections of its imports and its attribute types.
/// Writes other than through a sink are made by jobs, which the scheduler runs one at a time per dataset.
/// Implementations are thread-safe.
/// </summary>
public interface IRecordStore
{
    /// <summary>
    /// Opens a sink for one load. Nothing it writes is visible until <see cref="IRecordSink.CommitAsync"/>;
    /// disposing it without committing discards everything.
    /// </summary>
    Task<IRecordSink> OpenSinkAsync(LoadRequest request, CancellationToken cancellationToken);

    /// <summary>The marker of a load that was committed already, applied or discarded (a redelivered job), or null.</summary>
    Task<AppliedLoad?> FindAppliedLoadAsync(string datasetId, string importId, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, AttributeType>> GetAttributeTypesAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>The string attributes typed only by CSV text cells, which a list may widen (<see cref="AttributeTypeMap"/>).</summary>
    Task<IReadOnlyCollection<string>> GetCsvTextAttributesAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Declares attribute types; returns the names whose existing type differs (nothing is changed then).</summary>
    Task<IReadOnlyList<string>> DeclareAttributeTypesAsync(string datasetId, IReadOnlyDictionary<string, AttributeType> types, CancellationToken cancellationToken);

    Task<RecordCounts> CountAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Current record counts per batch seq, for batches in <paramref name="batchSeqs"/>.</summary>
    Task<IReadOnlyDictionary<long, RecordCounts>> CountByBatchAsync(string datasetId, IReadOnlyList<long> batchSeqs, CancellationToken cancellationToken);

    Task<StoredRecord?> FindEntityAsync(string datasetId, string type, string id, CancellationToken cancellationToken);

    /// <summary>Streams current records in key order; the enumeration holds a read snapshot until disposed.</summary>
    IAsyncEnumerable<StoredRecord> ExportAsync(string datasetId, ExportQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the ids of the dataset's current records to <paramref name="ids"/> (<see cref="Quality.IdTally.AddId"/>), in
    /// no order, repeats allowed: for <see cref="RecordKind.Entity"/> every entity's id, for
    /// <see cref="RecordKind.Interaction"/> every interaction's source and target id (a load's quality report
    /// checks its records against the other kind). Reads the UTF-8 bytes where the store can, without a string per id.
    /// </summary>
    Task ReadIdsAsync(string datasetId, RecordKind kind, Quality.IdTally ids, CancellationToken cancellationToken);

    /// <summary>Streams the stored rejections of an import in line order, skipping the first <paramref name="offset"/>; <paramref name="limit"/> null reads to the end.</summary>
    IAsyncEnumerable<RecordRejection> ReadErrorsAsync(string datasetId, string importId, long offset, int? limit, CancellationToken cancellationToken);

    /// <summary>
    /// Current records per type: entity types and interaction types with their counts. Unlike <see cref="CountAsync"/>,
    /// which reads kept totals, this reads the records, so it costs time in proportion to the dataset.
    /// </summary>
    Task<TypeCounts> CountByTypeAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Retention: deletes the stored rejections of these imports.</summary>
    Task DeleteErrorsAsync(string datasetId, IReadOnlyList<string> importIds, CancellationToken cancellationToken);

    /// <summary>Removes the records whose last writer was the batch; returns how many.</summary>
    Task<long> DeleteBatchAsync(string datasetId, long batchSeq, CancellationToken cancellationToken);

    /// <summary>Removes every record (and attribute type) of the dataset; the dataset stays.</summary>
    Task<long> ClearAsync(string datasetId, CancellationToken cancellationToken);

    Task DropDatasetAsync(string datasetId, CancellationToken cancellationToken);
}
