using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Intake.Server.Api;
using Intake.Server.Api.Contracts;
using Microsoft.Extensions.Options;

namespace Intake.Server.Compat.DataBatch;

/// <summary>
/// Translates data-batch requests onto the core: a batch is an import into the configured dataset (upsert,
/// CSV, record type from the header); its entity and interaction numbers are the current records whose last
/// writer it is. Thread-safe.
/// </summary>
internal sealed class DataBatchService(
    ImportService imports,
    DatasetService datasets,
    IJobStore jobs,
    IRecordStore records,
    RecordQueries queries,
    IOptions<DataBatchOptions> options)
{
    private const int ErrorsInInfo = 100;

    private string DatasetId => options.Value.DatasetId;

    /// <summary>Stages the batch and waits (up to the configured time) for its load; returns its info and whether it is final.</summary>
    public async Task<(BatchInfoDto Info, bool Final)> UploadAsync(UploadBody upload, IReadOnlyList<string> tags, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        await datasets.GetOrCreateAsync(DatasetId, "Data batches", cancellationToken);
        var import = await imports.UploadAsync(new NewImport
        {
            DatasetId = DatasetId,
            Tags = tags,
            Format = "csv",
            FileName = upload.FileName,
            ContentEncoding = upload.ContentEncoding,
            Origin = "data_batch",
            IdempotencyKey = idempotencyKey,
        }, upload.Stream, upload.DeclaredLength, cancellationToken);
        import = await imports.WaitAsync(import.Id, TimeSpan.FromSeconds(options.Value.WaitSeconds), cancellationToken);
        return (await InfoAsync(import, cancellationToken), import.Status.IsFinal());
    }

    public async Task<BatchInfoDto?> GetAsync(string batchId, CancellationToken cancellationToken) =>
        await FindAsync(batchId, cancellationToken) is { } import ? await InfoAsync(import, cancellationToken) : null;

    /// <summary>A page of the batches carrying any of <paramref name="tags"/> (every batch when there are none), newest first.</summary>
    public async Task<BatchListDto> ListAsync(IReadOnlyList<string> tags, PageRequest page, CancellationToken cancellationToken)
    {
        var after = page.SequenceBefore();
        var batches = new Dictionary<string, ImportInfo>();
        foreach (var tag in tags.Count == 0 ? [null] : tags.Cast<string?>())
        {
            string? next = null;
            do
            {
                var imports = await jobs.ListImportsAsync(new ImportFilter(DatasetId: DatasetId, Tag: tag), new PageRequest(1000, next), cancellationToken);
                foreach (var import in imports.Items)
                {
                    batches[import.Id] = import;
                }

                next = imports.NextCursor;
            }
            while (next is not null);
        }

        var ordered = batches.Values.OrderByDescending(i => i.Seq).ToList();
        var counts = ordered.Count == 0
            ? new Dictionary<long, RecordCounts>()
            : await records.CountByBatchAsync(DatasetId, ordered.Select(i => i.Seq).ToList(), cancellationToken);
        var counted = ordered.Where(i => !i.Archived).Select(i => counts.GetValueOrDefault(i.Seq, RecordCounts.Zero)).ToList();
        var rest = ordered.Where(i => i.Seq < after).ToList();
        var shown = rest.Take(page.Limit).ToList();
        var nextCursor = rest.Count > shown.Count ? shown[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new BatchListDto(tags, shown.Select(i => Info(i, counts.GetValueOrDefault(i.Seq, RecordCounts.Zero), null)).ToList(),
            counted.Sum(c => c.Entities), counted.Sum(c => c.Interactions), ordered.Count, nextCursor);
    }

    /// <summary>
    /// Deletes the batch's records (a delete_batch job) and waits for it; null when there is no such batch, and
    /// <c>import_not_found</c> when it was deleted already.
    /// </summary>
    public async Task<BatchInfoDto?> DeleteAsync(string batchId, CancellationToken cancellationToken)
    {
        var batch = await FindAsync(batchId, cancellationToken);
        if (batch is null)
        {
            return null;
        }

        if (batch.DeletedAt is { } deletedAt)
        {
            throw new IntakeException(ErrorCodes.ImportNotFound, $"Batch '{batchId}' was deleted at {deletedAt:O}; there is nothing left to delete.");
        }

        var job = await imports.DeleteBatchAsync(batchId, cancellationToken);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(options.Value.WaitSeconds);
        while (!(await jobs.GetJobAsync(job.Id, cancellationToken))!.Status.IsFinal() && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(25, cancellationToken);
        }

        return await GetAsync(batchId, cancellationToken);
    }

    public async Task<BatchInfoDto?> ArchiveAsync(string batchId, CancellationToken cancellationToken)
    {
        if (await FindAsync(batchId, cancellationToken) is null)
        {
            return null;
        }

        return await InfoAsync(await imports.SetArchivedAsync(batchId, true, cancellationToken), cancellationToken);
    }

    private async Task<ImportInfo?> FindAsync(string batchId, CancellationToken cancellationToken) =>
        await imports.GetAsync(batchId, cancellationToken) is { } import && import.DatasetId == DatasetId ? import : null;

    private async Task<BatchInfoDto> InfoAsync(ImportInfo import, CancellationToken cancellationToken)
    {
        var counts = import.Status.IsFinal()
            ? (await records.CountByBatchAsync(DatasetId, [import.Seq], cancellationToken)).GetValueOrDefault(import.Seq, RecordCounts.Zero)
            : RecordCounts.Zero;
        var errors = import.Progress.RecordsRejected > 0
            ? await queries.ErrorsOf(import, 0, ErrorsInInfo, cancellationToken).Select(RecordErrorDto.From).ToListAsync(cancellationToken)
            : null;
        return Info(import, counts, errors);
    }

    private static BatchInfoDto Info(ImportInfo import, RecordCounts counts, IReadOnlyList<RecordErrorDto>? errors) =>
        new(import.Id, import.CreatedAt, import.Request.Tags, counts.Entities, counts.Interactions,
            import.DeletedAt is null ? import.Status.ToWire() : "deleted", import.Archived, errors) { DeletedAt = import.DeletedAt };
}
